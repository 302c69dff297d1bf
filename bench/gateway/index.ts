// Gateway benchmark (`npm run bench -- gateway [--seconds N] [--rate R]`): what the gateway adds in
// front of an instant local upstream. Upstream and gateway run in their own processes; this process
// only generates load. Prints JSON.
//   1. latency at a fixed rate (default 1,000 req/s, 10 s), upstream direct vs through the gateway:
//      a paced open-loop client with microsecond timing (autocannon records whole milliseconds),
//      plus autocannon's own figures at the same rate;
//   2. maximum throughput through the gateway (autocannon, no rate limit);
//   3. CPU per request of each process, and a bare pass-through proxy (no checks) as the floor.
// --database-url postgres://… puts the store (and so the decision log) in PostgreSQL.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const SECONDS = opt('seconds', 10);
const RATE = opt('rate', 1000);
const dbIdx = args.indexOf('--database-url');
/** postgres://… to keep the decision log in PostgreSQL instead of the embedded PGlite (in the gateway's process). */
const DATABASE_URL = dbIdx >= 0 ? args[dbIdx + 1] : undefined;
const BODY = JSON.stringify({ model: 'instant', messages: [{ role: 'user', content: 'Hello, can you summarise the quarterly report for me in three bullet points?' }] });

function child(argv: string[]): Promise<{ proc: ChildProcess; info: any }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'serve.ts'), ...argv], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! });
    rl.once('line', (l) => resolve({ proc, info: JSON.parse(l) }));
    proc.once('exit', (c) => reject(new Error(`bench child ${argv[0]} exited with ${c}`)));
  });
}

/** CPU microseconds (user + system) a child has used so far. */
function cpuOf(proc: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    proc.once('message', (m: any) => resolve(m.cpu.user + m.cpu.system));
    proc.send('cpu');
  });
}

/** Runs `fn` and returns its result with the CPU time each child spent per completed request. */
async function withCpu<T extends { requests?: number }>(procs: Record<string, ChildProcess>, fn: () => Promise<T>, count: (r: T) => number) {
  const before = Object.fromEntries(await Promise.all(Object.entries(procs).map(async ([k, p]) => [k, await cpuOf(p)] as const)));
  const r = await fn();
  const n = Math.max(1, count(r));
  const cpuUsPerRequest: Record<string, number> = {};
  for (const [k, p] of Object.entries(procs)) cpuUsPerRequest[k] = Math.round((((await cpuOf(p)) - before[k]!) / n) * 10) / 10;
  return { ...r, cpuUsPerRequest };
}

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Open-loop paced load: RATE requests per second for SECONDS; latency per request in ms (µs precision). */
async function paced(url: string, headers: Record<string, string>, seconds: number, rate: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const u = new URL(url);
  const lat: number[] = [];
  let errors = 0;
  let inflight = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = process.hrtime.bigint();
      inflight++;
      const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY), ...headers } }, (res) => {
        res.resume();
        res.on('end', () => {
          inflight--;
          if (res.statusCode === 200) lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
          else errors++;
          resolve();
        });
      });
      req.on('error', () => {
        inflight--;
        errors++;
        resolve();
      });
      req.end(BODY);
    });
  // Warm up (JIT, sockets), then measure.
  await Promise.all(Array.from({ length: 200 }, one));
  lat.length = 0;
  errors = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  const total = seconds * rate;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(one());
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  return { requests: lat.length, errors, achievedRps: Math.round(lat.length / elapsed), p50: r3(pct(lat, 50)), p90: r3(pct(lat, 90)), p99: r3(pct(lat, 99)), p999: r3(pct(lat, 99.9)), max: r3(lat.at(-1) ?? NaN), inflightAtEnd: inflight };
}

function cannon(url: string, headers: Record<string, string>, o: { rate?: number; seconds: number; connections: number }) {
  return new Promise<any>((resolve, reject) => {
    autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: BODY, duration: o.seconds, connections: o.connections, ...(o.rate ? { overallRate: o.rate } : {}) }, (err: Error | null, r: any) => (err ? reject(err) : resolve(r)));
  });
}
const summary = (r: any) => ({ rps: Math.round(r.requests.average), p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts });

const dataDir = mkdtempSync(join(tmpdir(), 'zh-bench-gw-'));
const up = await child(['upstream']);
const gw = await child(['gateway', up.info.url, dataDir, ...(DATABASE_URL ? [DATABASE_URL] : [])]);
const bare = await child(['bare', up.info.url]);
try {
  const direct = `${up.info.url}/v1/chat/completions`;
  const through = `${gw.info.url}/v1/chat/completions`;
  const auth = { authorization: `Bearer ${gw.info.key}` };
  const procs = { upstream: up.proc, gateway: gw.proc, bare: bare.proc };
  const pDirect = await withCpu(procs, () => paced(direct, {}, SECONDS, RATE), (r) => r.requests);
  const pBare = await withCpu(procs, () => paced(`${bare.info.url}/v1/chat/completions`, {}, SECONDS, RATE), (r) => r.requests);
  const pGateway = await withCpu(procs, () => paced(through, auth, SECONDS, RATE), (r) => r.requests);
  const cDirect = summary(await cannon(direct, {}, { rate: RATE, seconds: SECONDS, connections: 20 }));
  const cGateway = summary(await cannon(through, auth, { rate: RATE, seconds: SECONDS, connections: 20 }));
  const maxDirect = summary(await cannon(direct, {}, { seconds: SECONDS, connections: 50 }));
  const maxGateway = await withCpu(procs, async () => { const r = await cannon(through, auth, { seconds: SECONDS, connections: 50 }); return { ...summary(r), requests: r.requests.total as number }; }, (r) => r.requests);
  // One core's worth of gateway CPU divided by the CPU one request costs: the throughput a
  // dedicated core would give, independent of the other processes on this machine.
  const gatewayRpsPerCore = Math.round(1e6 / maxGateway.cpuUsPerRequest.gateway!);
  const out = {
    benchmark: 'gateway',
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadavgAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
    method: `POST /v1/chat/completions (short prompt, default policy: input and output checks, decision log) against an instant local upstream; ${RATE} req/s for ${SECONDS} s, open loop`,
    atRate: {
      direct: pDirect,
      bareProxy: pBare,
      gateway: pGateway,
      addedMs: { p50: r3(pGateway.p50 - pDirect.p50), p90: r3(pGateway.p90 - pDirect.p90), p99: r3(pGateway.p99 - pDirect.p99) },
      addedOverBareProxyMs: { p50: r3(pGateway.p50 - pBare.p50), p99: r3(pGateway.p99 - pBare.p99) },
      autocannon: { direct: cDirect, gateway: cGateway, addedP99Ms: cGateway.p99 - cDirect.p99 },
    },
    maxThroughput: { direct: maxDirect, gateway: maxGateway, gatewayRpsPerCore },
    store: DATABASE_URL ? 'postgres' : 'pglite (embedded, in the gateway process)',
    targetAddedP99Ms: 2,
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
} finally {
  gw.proc.kill('SIGTERM');
  bare.proc.kill('SIGTERM');
  up.proc.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1500));
  rmSync(dataDir, { recursive: true, force: true });
}
