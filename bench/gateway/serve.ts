// Child process of the gateway benchmark: `upstream` starts the scripted upstream (model "instant");
// `gateway <upstreamUrl> <dataDir>` starts a Zongheng server with the gateway in front of it, creates a
// system and an application key (default policy, no rate limit). Prints one JSON line when ready.
import { readFileSync } from 'node:fs';
import { startServer } from '../../src/server/start.ts';
import { startScriptedUpstream } from '../../src/gateway/testing/upstream.ts';
import { TEST_SYSTEM } from '../../src/gateway/testing/harness.ts';

const [mode, upstreamUrl, dataDir, databaseUrl] = process.argv.slice(2);
// The parent asks for this process's CPU time (IPC) to compute CPU per request, which unlike
// throughput does not depend on what else the machine is running.
process.on('message', (m) => {
  if (m === 'cpu') process.send?.({ cpu: process.cpuUsage() });
});
if (mode === 'upstream') {
  const up = await startScriptedUpstream({ record: false });
  process.stdout.write(JSON.stringify({ url: up.url }) + '\n');
} else {
  const s = await startServer(
    {
      dataDir: dataDir!, ...(databaseUrl ? { databaseUrl } : {}), port: 0, host: '127.0.0.1', logLevel: 'silent',
      file: { gateway: { upstreams: { bench: { type: 'openai', baseUrl: `${upstreamUrl}/v1` } }, evidence: { intervalMs: 0 } } },
    },
    { quiet: true },
  );
  const token = readFileSync(s.adminTokenPath, 'utf8').trim();
  const api = async (path: string, body: unknown) => (await fetch(s.url + path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<any>;
  const sys = await api('/api/systems', TEST_SYSTEM);
  const key = await api('/api/gateway/keys', { systemId: sys.id, policy: 'default', upstream: 'bench', rpm: 0 });
  process.stdout.write(JSON.stringify({ url: s.url, key: key.key }) + '\n');
  process.on('SIGTERM', () => void s.stop().then(() => process.exit(0)));
}
