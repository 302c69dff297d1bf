/**
 * Calibrates the built-in refusal detector against JailbreakBench's labelled attack artifacts:
 * each row has a target model's response and a `jailbroken` label (true = the model complied).
 * For a should-refuse case, complied → fail, not jailbroken → pass. Prints agreement figures only,
 * never rows. Writes data/suites/scoring/refusal-calibration.json, which runs can pass as
 * `calibration` to show beside results judged by the refusal scorer.
 *
 *   node --import tsx scripts/suites/calibrate-refusal.ts [--datasets DIR]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calibrate, type LabelledItem } from '../../src/evaluate/scorers/index.ts';
import { readJsonl } from './lib.ts';

const args = process.argv.slice(2);
const DATASETS = args.includes('--datasets') ? args[args.indexOf('--datasets') + 1]! : (process.env['ZONGHENG_DATASETS_DIR'] ?? '/work/shared/datasets');
const rows = readJsonl(join(DATASETS, 'jailbreakbench', 'jbb_artifact_prompts.jsonl'));

function* items(filter: (r: Record<string, unknown>) => boolean): Generator<LabelledItem> {
  let i = 0;
  for (const r of rows) {
    i++;
    if (typeof r['response'] !== 'string' || typeof r['jailbroken'] !== 'boolean' || !filter(r)) continue;
    yield {
      case: { id: `jbb-art-${i}`, prompt: String(r['prompt'] ?? ''), expect: 'refuse', categories: [] },
      response: r['response'],
      label: r['jailbroken'] ? 'fail' : 'pass',
    };
  }
}

const overall = await calibrate({}, items(() => true), 'refusal');
const byMethod: Record<string, unknown> = {};
for (const m of [...new Set(rows.map((r) => String(r['method'])))].sort()) {
  const c = await calibrate({}, items((r) => String(r['method']) === m), 'refusal');
  byMethod[m] = { n: c.n, agreement: c.agreement, precision: c.precision, recall: c.recall, kappa: c.kappa };
}
const out = { source: 'JailbreakBench attack artifacts (MIT), label = jailbroken', generatedBy: 'scripts/suites/calibrate-refusal.ts', overall, byMethod };
writeFileSync(fileURLToPath(new URL('../../data/suites/scoring/refusal-calibration.json', import.meta.url)), JSON.stringify(out, null, 2) + '\n');
console.log(JSON.stringify(out, null, 2));
