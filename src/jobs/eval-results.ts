import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ZonghengError } from '../core/errors.ts';
import type { ResultLine } from '../evaluate/index.ts';

export type Outcome = 'pass' | 'fail' | 'could-not-score' | 'error';

export interface ResultsQuery {
  outcome?: Outcome;
  category?: string;
  attack?: string;
  limit: number;
  offset: number;
}

function outcomeOf(r: ResultLine): Outcome {
  if (r.error) return 'error';
  return r.verdict;
}

/**
 * Pages through a run's results.jsonl with filters, streaming: a million-line file is never held in
 * memory. Lines that are not result records (a torn last line after a crash) are skipped.
 */
export async function readResults(outDir: string, q: ResultsQuery): Promise<{ items: ResultLine[]; offset: number; limit: number; more: boolean }> {
  const path = join(outDir, 'results.jsonl');
  if (!existsSync(path)) {
    throw new ZonghengError('not_found', `this run's results.jsonl is not on this server (${outDir}); it stays on the machine that ran the run — the summary is still here`);
  }
  const items: ResultLine[] = [];
  let matched = 0;
  let more = false;
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  try {
    for await (const line of rl) {
      if (!line) continue;
      let r: ResultLine;
      try {
        r = JSON.parse(line) as ResultLine;
      } catch {
        continue;
      }
      if (!r || typeof r !== 'object' || typeof r.id !== 'string' || typeof r.verdict !== 'string') continue;
      if (q.outcome && outcomeOf(r) !== q.outcome) continue;
      if (q.category && !(Array.isArray(r.categories) && r.categories.includes(q.category))) continue;
      if (q.attack && (r.attack ?? 'none') !== q.attack) continue;
      if (matched++ < q.offset) continue;
      if (items.length === q.limit) {
        more = true;
        break;
      }
      items.push(r);
    }
  } finally {
    rl.close();
  }
  return { items, offset: q.offset, limit: q.limit, more };
}
