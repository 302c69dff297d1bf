import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { ZonghengError } from '../../core/errors.ts';
import { exportDb, importDb, ImportError } from '../../store/index.ts';
import { loadConfig } from '../../server/config.ts';
import { openRuntime, runningServer } from '../../server/runtime.ts';
import { keyValues, table } from '../format.ts';
import { globalFlags } from '../options.ts';
import { print, withClient } from '../run.ts';

export function adminCommands(program: Command): void {
  program
    .command('export')
    .description('export the whole database as JSON Lines (round-trips exactly through import)')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (o) => {
      const out = o.out ? createWriteStream(o.out, { mode: 0o600 }) : process.stdout;
      const write = (line: string) => new Promise<void>((resolve, reject) => (out.write(line + '\n', (e) => (e ? reject(e) : resolve()))));
      const counts = await withClient(program, async (api) => {
        if (api.runtime) return exportDb(api.runtime.gov.deps.store.db, write);
        // A server holds the store: stream the export over the API.
        const config = loadConfig(globalFlags(program));
        const srv = process.env.ZONGHENG_URL ?? (runningServer(config.dataDir) ? `http://${runningServer(config.dataDir)!.host}:${runningServer(config.dataDir)!.port}` : '');
        const res = await fetch(new URL('/api/export', srv), { headers: { authorization: `Bearer ${process.env.ZONGHENG_TOKEN ?? (await import('node:fs')).readFileSync(`${config.dataDir}/admin.token`, 'utf8').trim()}` } });
        if (!res.ok || !res.body) throw new ZonghengError('bad_request', `export failed: HTTP ${res.status} ${await res.text()}`);
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) await new Promise<void>((resolve, reject) => out.write(chunk, (e) => (e ? reject(e) : resolve())));
        return undefined;
      });
      if (o.out) {
        await new Promise<void>((resolve) => (out as ReturnType<typeof createWriteStream>).end(resolve));
        process.stderr.write(`exported to ${o.out}${counts ? `: ${Object.entries(counts).filter(([, n]) => n).map(([t, n]) => `${t} ${n}`).join(', ')}` : ''}\n`);
      }
    });

  program
    .command('import <file>')
    .description('import an export into an empty store (or --replace everything); all or nothing')
    .option('--replace', 'replace the current contents of the store')
    .action(async (file: string, o) => {
      const config = loadConfig(globalFlags(program));
      if (!config.databaseUrl && runningServer(config.dataDir)) throw new ZonghengError('store_busy', 'a server is running on this data dir; stop it before importing');
      const rt = await openRuntime(config);
      try {
        const counts = await importDb(rt.gov.deps.store.db, file, { replace: o.replace });
        process.stderr.write(`imported ${Object.entries(counts).map(([t, n]) => `${t} ${n}`).join(', ')}\n`);
      } catch (e) {
        if (e instanceof ImportError) throw new ZonghengError('bad_request', `import refused, nothing was written: ${file} ${e.message}`);
        throw e;
      } finally {
        await rt.close();
      }
    });

  const audit = program.command('audit').description('the tamper-evident audit trail; 审计日志');
  audit
    .command('verify')
    .description('walk the hash chain; exit 1 with the first broken entry')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const r = await withClient(program, (api) => api.call('GET', '/api/audit/verify'));
      print(o.json, r, () => (r.ok ? `audit chain intact: ${r.entries} entries, head ${r.head}` : `AUDIT CHAIN BROKEN at entry ${r.brokenAt}: ${r.reason} (${r.entries} entries before it verify)`));
      if (!r.ok) process.exitCode = 1;
    });
  audit
    .command('list')
    .description('recent audit entries')
    .option('--entity <id>', 'entries for one entity id').option('--limit <n>', 'how many', Number, 50)
    .option('--json', 'print JSON')
    .action(async (o) => {
      const r = await withClient(program, (api) => api.call('GET', `/api/audit?limit=${o.limit}${o.entity ? `&entityId=${encodeURIComponent(o.entity)}` : ''}`));
      print(o.json, r, () => table(r.items, ['seq', 'at', 'actor', 'action', 'entityId']));
    });

  const token = program.command('token').description('API tokens and roles: admin, risk-officer, engineer, auditor; 访问令牌');
  token
    .command('create')
    .description('create a principal with a role and print its token once')
    .requiredOption('--name <name>')
    .requiredOption('--role <role>', 'admin, risk-officer, engineer, auditor')
    .option('--label <text>').option('--expires-in-days <n>', 'expiry', Number)
    .option('--json', 'print JSON')
    .action(async (o) => {
      const r = await withClient(program, (api) => api.call('POST', '/api/tokens', { name: o.name, role: o.role, label: o.label, expiresInDays: o.expiresInDays }));
      print(o.json, r, () => `${keyValues(r.info, ['id', 'name', 'role', 'expiresAt'])}\ntoken: ${r.token}\n(shown once; only its hash is stored)`);
    });
  token
    .command('revoke <id>')
    .description('revoke a token')
    .option('--json', 'print JSON')
    .action(async (id: string, o) => {
      const r = await withClient(program, (api) => api.call('DELETE', `/api/tokens/${encodeURIComponent(id)}`));
      print(o.json, r, () => `revoked ${r.id} (${r.name}, ${r.role})`);
    });
  token
    .command('list')
    .description('list tokens (never their values)')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const r = await withClient(program, (api) => api.call('GET', '/api/tokens'));
      print(o.json, r, () => table(r.items, ['id', 'name', 'role', 'prefix', 'createdAt', 'revokedAt', 'lastUsedAt']));
    });
}
