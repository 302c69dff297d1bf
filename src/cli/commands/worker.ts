import type { Command } from 'commander';
import { loadConfig } from '../../server/config.ts';
import { globalFlags } from '../options.ts';

/**
 * Queue worker. Job kinds register here as technical modules land (evaluation shards first);
 * until then it checks the configuration and says what it would do.
 */
export async function runWorker(program: Command): Promise<void> {
  const config = loadConfig(globalFlags(program));
  if (!config.databaseUrl) {
    process.stderr.write('zongheng worker needs PostgreSQL: set ZONGHENG_DATABASE_URL=postgres://… (the embedded store serves one process).\n');
    process.exitCode = 2;
    return;
  }
  process.stderr.write('zongheng worker: no queued job kinds are registered in this version yet; nothing to do.\n');
}
