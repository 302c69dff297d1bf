import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { badRequest } from '../../core/errors.ts';
import { keyValues, table } from '../format.ts';
import { print, query, withClient } from '../run.ts';

function parseRpm(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a whole number of requests per minute (0 = unlimited)');
  return n;
}

const KEY_COLUMNS = ['id', 'prefix', 'systemId', 'policy', 'upstream', 'rpm', 'label', 'createdAt', 'revokedAt', 'lastUsedAt'];

/** `zongheng gateway …`: application keys and policies (loaded by src/cli/index.ts when present). */
export function register(program: Command): void {
  const gw = program.command('gateway').description('the OpenAI-compatible gateway: application keys and guard policies; 网关');
  // In-process (no server running), the management API needs the config file's upstreams and policies.
  const client = <T>(fn: Parameters<typeof withClient<T>>[1]) =>
    withClient<T>(program, async (api) => {
      if (api.runtime) {
        const { registerGatewayConfig } = await import('../../gateway/index.ts');
        registerGatewayConfig(api.runtime.gov, api.runtime.config);
      }
      return fn(api);
    });

  const key = gw.command('key').description('application keys (shown once, stored as SHA-256)');
  key
    .command('create')
    .description('create an application key for a system; prints the key once')
    .requiredOption('--system <id>', 'system id')
    .option('--policy <name>', 'guard policy', 'default')
    .requiredOption('--upstream <name>', 'upstream name (from the config file or the API)')
    .option('--rpm <n>', 'requests per minute (0 = unlimited; default from the config)', parseRpm)
    .option('--label <text>')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const r = await client((api) => api.call('POST', '/api/gateway/keys', { systemId: o.system, policy: o.policy, upstream: o.upstream, ...(o.rpm !== undefined ? { rpm: o.rpm } : {}), ...(o.label ? { label: o.label } : {}) }));
      print(o.json, r, () => `${keyValues(r.info, KEY_COLUMNS)}\n\nkey: ${r.key}\nThis is the only time the key is shown; Zongheng keeps only its SHA-256.\nUse it as the API key of any OpenAI client with base URL <server>/v1.`);
    });
  key
    .command('list')
    .description('list application keys (never their values)')
    .option('--system <id>')
    .option('--all', 'include revoked keys')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const r = await client((api) => api.call('GET', `/api/gateway/keys${query({ systemId: o.system, includeRevoked: o.all ? 'true' : undefined })}`));
      print(o.json, r, () => table(r.items, KEY_COLUMNS));
    });
  key
    .command('revoke <id>')
    .description('revoke an application key')
    .option('--json', 'print JSON')
    .action(async (id: string, o) => {
      const r = await client((api) => api.call('DELETE', `/api/gateway/keys/${encodeURIComponent(id)}`));
      print(o.json, r, () => keyValues(r, KEY_COLUMNS));
    });

  const policy = gw.command('policy').description('guard policies (guard YAML format plus an optional gateway: section)');
  policy
    .command('list')
    .description('loaded policies and load errors')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const r = await client((api) => api.call('GET', '/api/gateway/policies'));
      print(o.json, r, () => {
        const rows = r.items.map((p: any) => ({ name: p.name, source: p.source, revision: p.revision, input: p.input.map((s: any) => `${s.name}:${s.action}`).join(' '), output: p.output.map((s: any) => `${s.name}:${s.action}`).join(' '), label: p.gateway.label.enabled, onBlock: p.gateway.onBlock }));
        const errs = Object.entries(r.errors ?? {}).map(([k, v]) => `error in ${k}: ${v}`);
        return [table(rows, ['name', 'source', 'revision', 'input', 'output', 'label', 'onBlock']), ...errs].join('\n');
      });
    });
  policy
    .command('show <name>')
    .description('one policy with its YAML')
    .option('--json', 'print JSON')
    .action(async (name: string, o) => {
      const r = await client((api) => api.call('GET', `/api/gateway/policies/${encodeURIComponent(name)}`));
      print(o.json, r, () => `# ${r.name} (${r.source}, revision ${r.revision}, sha256 ${r.digest.slice(0, 12)}…)\n${r.yaml}`);
    });
  policy
    .command('validate <file>')
    .description('validate a policy file; errors name the field (exit 1 when invalid)')
    .option('--json', 'print JSON')
    .action(async (file: string, o) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw badRequest(`cannot read ${file}: ${(e as Error).message}`, { field: 'file' });
      }
      // Validation needs no store: done here, so it works without a server or data dir. The policy
      // is also compiled, so missing lexicon files or classifier models are reported too.
      const { compilePolicy, parseGatewayPolicy } = await import('../../gateway/policies.ts');
      const { GuardPolicyError } = await import('../../guard/index.ts');
      let r: { valid: boolean; name?: string; issues: { field: string; message: string }[] };
      try {
        const { policy: p } = parseGatewayPolicy(text);
        compilePolicy(p.name, text, 'api', 0, { baseDir: dirname(resolve(file)) });
        r = { valid: true, name: p.name, issues: [] };
      } catch (e) {
        r = { valid: false, issues: e instanceof GuardPolicyError ? e.issues.map((i) => ({ field: i.path, message: i.message })) : [{ field: '', message: (e as Error).message }] };
      }
      print(o.json, r, () => (r.valid ? `${file}: valid policy ${r.name}` : `${file}: invalid\n${r.issues.map((i) => `  ${i.field || '(file)'}: ${i.message}`).join('\n')}`));
      if (!r.valid) process.exitCode = 1;
    });
  policy
    .command('save <file>')
    .description('create or update an API policy from a YAML file (a new revision; hot-reloaded)')
    .option('--json', 'print JSON')
    .action(async (file: string, o) => {
      const yaml = readFileSync(file, 'utf8');
      const r = await client((api) => api.call('POST', '/api/gateway/policies', { yaml }));
      print(o.json, r, () => `saved policy ${r.name} revision ${r.revision}`);
    });
}
