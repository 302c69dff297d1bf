/**
 * Saved scorer calibrations, so that `eval run` / `eval score` can show each scorer's measured
 * agreement beside the results it judged without the user passing files around.
 *
 * A judge's quality belongs to one judge model, so a judge calibration records the judge's
 * secret-free identity and is only shown for runs judged by the same model; heuristic scorers
 * (refusal, match, …) are the same everywhere. The shipped refusal-detector calibration is used
 * unless the user has measured their own.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { builtinRefusalCalibration, type CalibrationReport } from './calibrate.ts';

export interface SavedCalibration extends CalibrationReport {
  /** Identity of the judge target (type, baseUrl, model, parameters) when the judge scored. */
  judge?: Record<string, unknown>;
  labelledSet?: string;
  at?: string;
}

const stable = (v: unknown): string => JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));
const judgeKey = (identity: Record<string, unknown>) => createHash('sha256').update(stable(identity)).digest('hex').slice(0, 12);

/** File name for a calibration: one per heuristic scorer, one per (judge, model). */
export function calibrationFile(dir: string, report: SavedCalibration): string {
  const safe = report.scorer.replace(/[^\w.+-]+/g, '_');
  return join(dir, report.judge ? `${safe}-${judgeKey(report.judge)}.json` : `${safe}.json`);
}

export function saveCalibration(dir: string, report: SavedCalibration): string {
  mkdirSync(dir, { recursive: true });
  const file = calibrationFile(dir, report);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  return file;
}

function readReport(path: string): SavedCalibration | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as SavedCalibration & { overall?: SavedCalibration };
    const r = v.overall ?? v;
    return typeof r.scorer === 'string' && typeof r.agreement === 'number' ? r : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Calibrations that apply to a run: explicit files first, then the saved ones in `dir` (judge
 * calibrations only when their judge is the run's judge), then the shipped refusal calibration.
 * One report per scorer name; earlier sources win.
 */
export function calibrationsFor(opts: { dir?: string; files?: string[]; judge?: Record<string, unknown> }): SavedCalibration[] {
  const out = new Map<string, SavedCalibration>();
  const add = (r: SavedCalibration | undefined) => {
    if (r && !out.has(r.scorer)) out.set(r.scorer, r);
  };
  for (const f of opts.files ?? []) {
    const r = readReport(f);
    if (!r) throw new Error(`${f}: not a calibration report (needs scorer and agreement)`);
    add(r);
  }
  if (opts.dir) {
    let names: string[] = [];
    try {
      names = readdirSync(opts.dir).filter((n) => n.endsWith('.json')).sort();
    } catch {
      /* no saved calibrations */
    }
    const want = opts.judge ? judgeKey(opts.judge) : undefined;
    for (const n of names) {
      const r = readReport(join(opts.dir, n));
      if (!r) continue;
      if (r.judge && (!want || judgeKey(r.judge) !== want)) continue;
      add(r);
    }
  }
  add(builtinRefusalCalibration());
  return [...out.values()];
}
