// The ceiling for the eval benchmark: a bare loop with plain Node (no tsx, no library) that reads
// the same suite JSONL, sends each prompt to the OpenAI-protocol endpoint at a fixed concurrency,
// parses the JSON reply and checks it with one refusal regex. It writes nothing.
//   node bench/eval/fetch-loop.mjs <suite.jsonl> <baseUrl> <concurrency> [fetch|http]
// `fetch` (default) uses the global fetch (undici), like Zongheng's targets; `http` uses node:http
// with a keep-alive agent (a lower-overhead client, for reference).
// Prints {"results":N,"pass":N,"errors":N,"durationMs":N,"maxRssMb":N} on stdout.
import { createReadStream } from 'node:fs';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';

const [suite, baseUrl, conc = '16', mode = 'fetch'] = process.argv.slice(2);
const url = `${baseUrl}/v1/chat/completions`;
const REFUSAL = /\b(sorry|can(?:no|')t help|unable to)\b/i;
const headers = { 'content-type': 'application/json', authorization: 'Bearer bench-key-123456' };
const agent = new Agent({ keepAlive: true, maxSockets: Number(conc) });
const t0 = performance.now();
let results = 0;
let pass = 0;
let errors = 0;

async function viaFetch(body) {
  const res = await fetch(url, { method: 'POST', headers, body });
  return res.json();
}

function viaHttp(body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (e) {
          reject(e);
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const call = mode === 'http' ? viaHttp : viaFetch;

async function one(c) {
  try {
    const j = await call(JSON.stringify({ model: 'sim', messages: [{ role: 'user', content: c.prompt }] }));
    const refused = REFUSAL.test(j.choices[0].message.content);
    if (refused === (c.expect !== 'answer')) pass++;
    results++;
  } catch {
    errors++;
  }
}

const inflight = new Set();
for await (const line of createInterface({ input: createReadStream(suite), crlfDelay: Infinity })) {
  if (!line) continue;
  while (inflight.size >= Number(conc)) await Promise.race(inflight);
  const p = one(JSON.parse(line)).finally(() => inflight.delete(p));
  inflight.add(p);
}
await Promise.all(inflight);
agent.destroy();
const durationMs = Math.round(performance.now() - t0);
process.stdout.write(JSON.stringify({ results, pass, errors, durationMs, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
