// Profiling helper for the gateway: starts the benchmark's upstream and gateway children, drives
// the gateway at full speed with autocannon and prints requests/s and gateway CPU µs per request.
//   node --import tsx bench/gateway/profile.ts [prof] [seconds]   (prof: --cpu-prof into /tmp/zh-gwprof)
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
const child = (argv: string[], extra: string[] = []) => { const p = spawn(process.execPath, [...extra, '--import', 'tsx', `${import.meta.dirname}/serve.ts`, ...argv], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  return new Promise<{ p: any; info: any }>((res) => createInterface({ input: p.stdout! }).once('line', (l) => res({ p, info: JSON.parse(l) }))); };
const up = await child(['upstream']);
const gw = await child(['gateway', up.info.url, mkdtempSync(join(tmpdir(), 'zh-gwprof-'))], process.argv[2] === 'prof' ? ['--cpu-prof', '--cpu-prof-dir=/tmp/zh-gwprof'] : []);
const body = JSON.stringify({ model: 'instant', messages: [{ role: 'user', content: 'Hello, can you summarise the quarterly report for me in three bullet points?' }] });
const cpu = () => new Promise<number>((r) => { gw.p.once('message', (m: any) => r(m.cpu.user + m.cpu.system)); gw.p.send('cpu'); });
const run = (d: number) => new Promise<any>((res, rej) => autocannon({ url: `${gw.info.url}/v1/chat/completions`, method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${gw.info.key}` }, body, duration: d, connections: 50 }, (e: any, r: any) => e ? rej(e) : res(r)));
await run(2);
const c0 = await cpu(); const r = await run(Number(process.argv[3] ?? 6)); const c1 = await cpu();
console.log(JSON.stringify({ rps: Math.round(r.requests.average), non2xx: r.non2xx, cpuUsPerReq: Math.round((c1 - c0) / r.requests.total) }));
gw.p.kill('SIGTERM'); await new Promise((r) => gw.p.once('exit', r)); up.p.kill('SIGTERM');
