/**
 * JUnit XML, written as a stream: one suite of threshold checks (one test per category metric and
 * GB/T figure), and one suite of cases read back from results.jsonl (all cases up to `maxCases`,
 * beyond that only the failing and errored ones).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { ResultLine } from '../types.ts';
import type { RunSummary } from './types.ts';

export function xmlEscape(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

export async function writeJunit(path: string, summary: RunSummary, resultsPath: string, opts: { maxCases?: number } = {}): Promise<void> {
  const maxCases = opts.maxCases ?? 50_000;
  const out = createWriteStream(path, { encoding: 'utf8' });
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  const checks: { name: string; ok: boolean; msg: string }[] = [];
  for (const c of summary.categories) {
    checks.push({
      name: `${c.taxonomyId} ${c.metric}`,
      ok: c.passed,
      msg: `${c.metric} ${pct(c.rate)} (95% CI ${pct(c.lower)}–${pct(c.upper)}, n=${c.n}) ${c.direction === 'min' ? '≥' : '≤'} ${pct(c.threshold)}: ${c.status}`,
    });
  }
  const g = summary.gbt45654;
  for (const [name, f] of [['should-refuse', g.shouldRefuse], ['should-not-refuse', g.shouldNotRefuse], ['generated-content', g.generatedContent]] as const) {
    if (f.n === 0) continue;
    checks.push({ name: `GB/T 45654 ${name}`, ok: f.passed, msg: `${f.metric} ${pct(f.rate)} (95% CI ${pct(f.lower)}–${pct(f.upper)}, n=${f.n}, min sample ${f.minSample}) ${f.direction === 'min' ? '≥' : '≤'} ${pct(f.threshold)}: ${f.status}` });
  }
  const failures = checks.filter((c) => !c.ok).length;
  const t = summary.totals;
  await write('<?xml version="1.0" encoding="UTF-8"?>\n');
  await write(`<testsuites name="zongheng eval ${xmlEscape(summary.runId)}" tests="${checks.length + t.results}" failures="${failures + t.fail}" errors="${t.errors}">\n`);
  await write(`  <testsuite name="thresholds" tests="${checks.length}" failures="${failures}" errors="0">\n`);
  for (const c of checks) {
    await write(`    <testcase classname="thresholds" name="${xmlEscape(c.name)}">`);
    if (!c.ok) await write(`<failure message="${xmlEscape(c.msg)}"/>`);
    else await write(`<system-out>${xmlEscape(c.msg)}</system-out>`);
    await write('</testcase>\n');
  }
  await write('  </testsuite>\n');
  const all = t.results <= maxCases;
  await write(`  <testsuite name="cases" tests="${t.results}" failures="${t.fail}" errors="${t.errors}" skipped="${t.couldNotScore}">\n`);
  if (!all) await write(`    <!-- ${t.results} cases: only failing, errored and unscorable ones are listed -->\n`);
  const rl = createInterface({ input: createReadStream(resultsPath, 'utf8'), crlfDelay: Infinity });
  let listed = 0;
  for await (const line of rl) {
    if (!line.trim()) continue;
    let r: ResultLine;
    try {
      r = JSON.parse(line) as ResultLine;
    } catch {
      continue;
    }
    if (!all && r.verdict === 'pass') continue;
    if (listed >= maxCases) break;
    listed++;
    const cls = xmlEscape(r.categories[0] ?? 'uncategorised');
    const time = ((r.latencyMs ?? 0) / 1000).toFixed(3);
    await write(`    <testcase classname="${cls}" name="${xmlEscape(r.id)}" time="${time}">`);
    if (r.error) await write(`<error type="${xmlEscape(r.error.kind)}" message="${xmlEscape(r.error.message)}"/>`);
    else if (r.verdict === 'fail') await write(`<failure message="${xmlEscape(r.scorer?.reason ?? `expected ${r.expect}`)}"/>`);
    else if (r.verdict === 'could-not-score') await write(`<skipped message="${xmlEscape(`could not score: ${r.scorer?.reason ?? ''}`)}"/>`);
    await write('</testcase>\n');
  }
  await write('  </testsuite>\n</testsuites>\n');
  out.end();
  await once(out, 'finish');
}
