import type { Command } from 'commander';
import { workEvalShards } from '../../jobs/eval-shard.ts';
import { openQueue } from '../../jobs/queue.ts';
import { loadConfig } from '../../server/config.ts';
import { openStore } from '../../store/index.ts';
import { globalFlags } from '../options.ts';

/**
 * `zongheng worker`: works queued jobs (evaluation shards) from the PostgreSQL-backed queue until
 * stopped. Run as many as you like, on as many machines as reach the database.
 */
export async function runWorker(program: Command): Promise<void> {
  const config = loadConfig(globalFlags(program));
  if (!config.databaseUrl) {
    process.stderr.write('zongheng worker needs PostgreSQL: set ZONGHENG_DATABASE_URL=postgres://… (the embedded store serves one process).\n');
    process.exitCode = 2;
    return;
  }
  const store = await openStore({ databaseUrl: config.databaseUrl });
  const boss = await openQueue(config.databaseUrl);
  await workEvalShards(boss, store, config.dataDir, (m) => process.stderr.write(`${new Date().toISOString()} ${m}\n`));
  process.stderr.write(`zongheng worker ${process.pid}: waiting for evaluation shards (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  // Let the job in hand finish (pg-boss waits for active handlers), then release the connections.
  await boss.stop({ graceful: true, wait: true, timeout: 60_000 });
  await store.close();
}
