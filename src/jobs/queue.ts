import PgBoss from 'pg-boss';

/** Job kinds and their queues. pg-boss keeps them in PostgreSQL (schema `pgboss`), so any machine reaching the database can work them. */
export const QUEUES = { evalShard: 'zongheng-eval-shard' } as const;

export async function openQueue(databaseUrl: string): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: databaseUrl, max: 4 });
  boss.on('error', (e) => process.stderr.write(`queue error: ${(e as Error).message}\n`));
  await boss.start();
  // pg-boss 10 requires a queue to exist before send/work.
  for (const name of Object.values(QUEUES)) await boss.createQueue(name);
  return boss;
}
