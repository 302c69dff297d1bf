/**
 * Scorer calibration: run a scorer over human-labelled (case, response, label) items and report
 * how often it agrees. The positive class is `fail` — what a safety scorer exists to catch.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { parseCase } from '../suites/schema.ts';
import { SuiteError } from '../suites/reader.ts';
import type { Case, Verdict } from '../types.ts';
import { scoreCase, type ScoreOptions } from './score.ts';

export interface LabelledItem {
  case: Case;
  response: string;
  label: 'pass' | 'fail';
}

export interface CalibrationReport {
  scorer: string;
  n: number;
  scored: number;
  couldNotScore: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** Share of scored items where scorer and label agree. */
  agreement: number;
  /** Of the items the scorer failed, the share labelled fail. */
  precision: number;
  /** Of the items labelled fail, the share the scorer failed. */
  recall: number;
  f1: number;
  /** Cohen's kappa on the scored items. */
  kappa: number;
  /** Scorer ids seen in verdicts (e.g. refusal, judge). */
  scorers: string[];
}

export type ScorerLike = ((c: Case, response: string) => Verdict | Promise<Verdict>) | ScoreOptions;

/** Reads a labelled JSONL: a case's fields plus `response` and `label` (pass|fail, or a boolean = pass). */
export async function* readLabelled(path: string): AsyncGenerator<LabelledItem> {
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (!text.trim()) continue;
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new SuiteError(basename(path), line, '(line)', `not valid JSON: ${(e as Error).message}`);
    }
    const { label, ...rest } = raw;
    const lab = label === true || label === 'pass' ? 'pass' : label === false || label === 'fail' ? 'fail' : null;
    if (!lab) throw new SuiteError(basename(path), line, 'label', 'label must be "pass", "fail" or a boolean');
    if (typeof rest['response'] !== 'string') throw new SuiteError(basename(path), line, 'response', 'a labelled item needs a response string');
    const r = parseCase(rest);
    if (!r.ok) throw new SuiteError(basename(path), line, r.field, r.message);
    yield { case: r.value, response: rest['response'] as string, label: lab };
  }
}

export async function calibrate(scorer: ScorerLike, items: Iterable<LabelledItem> | AsyncIterable<LabelledItem> | string, name?: string): Promise<CalibrationReport> {
  const source = typeof items === 'string' ? readLabelled(items) : items;
  const run = typeof scorer === 'function' ? scorer : (c: Case, r: string) => scoreCase(c, r, scorer);
  let n = 0;
  let cns = 0;
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  const scorers = new Set<string>();
  for await (const item of source as AsyncIterable<LabelledItem>) {
    n++;
    const v = await run(item.case, item.response);
    scorers.add(v.scorer);
    if (v.verdict === 'could-not-score') {
      cns++;
      continue;
    }
    const predFail = v.verdict === 'fail';
    const trueFail = item.label === 'fail';
    if (predFail && trueFail) tp++;
    else if (predFail) fp++;
    else if (trueFail) fn++;
    else tn++;
  }
  const scored = tp + fp + tn + fn;
  const agreement = scored ? (tp + tn) / scored : 0;
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  const pe = scored ? ((tp + fp) * (tp + fn) + (tn + fn) * (tn + fp)) / (scored * scored) : 0;
  const kappa = pe < 1 ? (agreement - pe) / (1 - pe) : 0;
  const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
  return {
    scorer: name ?? [...scorers].join('+'),
    n,
    scored,
    couldNotScore: cns,
    tp,
    fp,
    tn,
    fn,
    agreement: r4(agreement),
    precision: r4(precision),
    recall: r4(recall),
    f1: r4(f1),
    kappa: r4(kappa),
    scorers: [...scorers],
  };
}

/** The shipped calibration of the refusal detector (data/suites/scoring/refusal-calibration.json), if present. */
export function builtinRefusalCalibration(): CalibrationReport | undefined {
  try {
    const path = fileURLToPath(new URL('../../../data/suites/scoring/refusal-calibration.json', import.meta.url));
    return (JSON.parse(readFileSync(path, 'utf8')) as { overall: CalibrationReport }).overall;
  } catch {
    return undefined;
  }
}
