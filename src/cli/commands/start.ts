import type { Command } from 'commander';
import { loadConfig } from '../../server/config.ts';
import { startServer } from '../../server/start.ts';
import { globalFlags, parsePort } from '../options.ts';

export function startCommand(program: Command): void {
  program
    .command('start')
    .description('run the platform (API, console, gateway) on one port; 启动平台')
    .option('--port <n>', 'port (default 8420, env ZONGHENG_PORT)', parsePort)
    .option('--host <h>', 'address to bind (default 127.0.0.1, env ZONGHENG_HOST)')
    .option('--demo', 'on an empty store, seed a realistic demo organisation')
    .action(async (opts: { port?: number; host?: string; demo?: boolean }) => {
      const config = loadConfig({ ...globalFlags(program), port: opts.port, host: opts.host });
      const server = await startServer(config, {
        beforeListen: opts.demo
          ? async (rt) => {
              const { seedDemo } = await import('../../governance/demo.ts');
              const r = await seedDemo(rt.gov);
              process.stderr.write(r.seeded ? `Demo organisation seeded: ${r.systems} systems, ${r.risks} risks, ${r.evidence} evidence records.\n` : 'Store not empty: demo seed skipped.\n');
            }
          : undefined,
      });
      const shutdown = async (signal: string) => {
        process.stderr.write(`\n${signal}: stopping…\n`);
        await server.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
    });
}
