import { Command, CommanderError } from 'commander';
import { ZonghengError } from '../core/errors.ts';
import { ApiError } from './client.ts';
import { adminCommands } from './commands/admin.ts';
import { incidentCommands } from './commands/incidents.ts';
import { controlCommands, evidenceCommands, riskCommands } from './commands/risks.ts';
import { startCommand } from './commands/start.ts';
import { systemCommands } from './commands/systems.ts';

/** Exit codes (design.md §4): 0 ok, 1 a check failed, 2 usage or input error. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('zongheng')
    .description('Zongheng 纵横 — AI safety governance platform')
    .version('0.1.0')
    .option('--config <file>', 'YAML config file (env ZONGHENG_CONFIG)')
    .option('--data-dir <dir>', 'data directory (env ZONGHENG_DATA_DIR, default ./.zongheng)')
    .option('--database-url <url>', 'postgres://… to use PostgreSQL (env ZONGHENG_DATABASE_URL)')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  startCommand(program);
  program
    .command('worker')
    .description('run queued jobs (evaluation shards) from the Postgres-backed queue')
    .action(async () => {
      const { runWorker } = await import('./commands/worker.ts');
      await runWorker(program);
    });
  systemCommands(program);
  riskCommands(program);
  controlCommands(program);
  evidenceCommands(program);
  incidentCommands(program);
  adminCommands(program);
  for (const extra of await optionalCommands()) extra(program);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    process.exitCode = exitCodeFor(e);
  }
}

/** Commands contributed by technical modules, loaded only if present. */
async function optionalCommands(): Promise<((p: Command) => void)[]> {
  const out: ((p: Command) => void)[] = [];
  for (const mod of ['./commands/eval.ts', './commands/gateway.ts']) {
    try {
      const m = (await import(mod)) as { register?: (p: Command) => void };
      if (m.register) out.push(m.register);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    }
  }
  return out;
}

function exitCodeFor(e: unknown): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    return 2;
  }
  if (e instanceof ApiError) {
    const err = e.body.error ?? {};
    process.stderr.write(`error: ${err.message ?? e.message}${err.field ? ` (field: ${err.field})` : ''}${err.allowed ? `\n  allowed: ${err.allowed}` : ''}\n`);
    return e.status >= 500 ? 1 : 2;
  }
  if (e instanceof ZonghengError) {
    process.stderr.write(`error: ${e.message}${e.detail.field ? ` (field: ${e.detail.field})` : ''}${e.detail.allowed ? `\n  allowed: ${e.detail.allowed}` : ''}\n`);
    return e.status >= 500 && e.code !== 'store_busy' ? 1 : 2;
  }
  if (e instanceof SyntaxError) {
    process.stderr.write(`error: ${e.message}\n`);
    return 2;
  }
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') {
    process.stderr.write(`error: ${err.message}\n`);
    return 2;
  }
  process.stderr.write(`error: ${err?.stack ?? String(e)}\n`);
  return 1;
}
