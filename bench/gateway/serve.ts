// Child process of the gateway benchmark: `upstream` starts the scripted upstream (model "instant");
// `bare <upstreamUrl>` a pass-through proxy with no checks (the floor);
// `gateway <upstreamUrl> <dataDir>` starts a Zongheng server with the gateway in front of it, creates a
// system and an application key (default policy, no rate limit). Prints one JSON line when ready.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
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
} else if (mode === 'bare') {
  // The floor: a Hono pass-through on the same node server and keep-alive client, with no key,
  // no checks and no log. What the gateway costs beyond this is its own work.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const app = new Hono();
  app.post('/v1/chat/completions', async (c) => {
    const body = await c.req.text();
    const text = await new Promise<string>((resolve, reject) => {
      const r = http.request(`${upstreamUrl}/v1/chat/completions`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        const cs: Buffer[] = [];
        res.on('data', (d: Buffer) => cs.push(d));
        res.on('end', () => resolve(Buffer.concat(cs).toString('utf8')));
      });
      r.on('error', reject);
      r.end(JSON.stringify(JSON.parse(body)));
    });
    return new Response(JSON.stringify(JSON.parse(text)), { headers: { 'content-type': 'application/json' } });
  });
  serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (i) => process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${i.port}`, key: 'none' }) + '\n'));
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
