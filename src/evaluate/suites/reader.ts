/**
 * Streaming suite reader. JSONL is read line by line (bounded memory); YAML suites are small by
 * nature and parsed whole, with line numbers recovered from the document. Every error names the
 * file, the line and the field.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML, { LineCounter, isMap, isSeq } from 'yaml';
import type { Case } from '../types.ts';
import { parseCase } from './schema.ts';
import { HashSet52 } from './hashset.ts';
import { ReferenceSuiteError, readReferenceSuite } from './reference.ts';

export class SuiteError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${field}: ${reason}`);
    this.name = 'SuiteError';
  }
}

/** The repository's built-in suites (data/suites). */
export const BUILTIN_SUITES_DIR = fileURLToPath(new URL('../../../data/suites/', import.meta.url));

function suiteDirs(): string[] {
  const extra = (process.env['ZONGHENG_SUITES_DIR'] ?? '').split(':').filter(Boolean);
  return [...extra, BUILTIN_SUITES_DIR];
}

/** A path, or a built-in name such as `gbt45654-refusal` → data/suites/gbt45654-refusal.jsonl. */
export function resolveSuite(nameOrPath: string): string {
  if (existsSync(nameOrPath) && statSync(nameOrPath).isFile()) return resolve(nameOrPath);
  if (!/[\\/]/.test(nameOrPath)) {
    for (const dir of suiteDirs()) {
      for (const cand of [`${nameOrPath}.jsonl`, `${nameOrPath}.yaml`, `${nameOrPath}.yml`, `${nameOrPath}.ref.yaml`, join(nameOrPath, 'suite.jsonl')]) {
        const p = join(dir, cand);
        if (existsSync(p)) return p;
      }
    }
  }
  throw new SuiteError(nameOrPath, 0, 'suite', `no such file, and no built-in suite of that name (see listSuites())`);
}

export interface SuiteInfo {
  name: string;
  path: string;
  description?: string;
  cases?: number;
  license?: string;
}

/** Built-in suites, from data/suites/index.json when present. */
export function listSuites(): SuiteInfo[] {
  const idx = join(BUILTIN_SUITES_DIR, 'index.json');
  if (!existsSync(idx)) return [];
  const doc = JSON.parse(readFileSync(idx, 'utf8')) as { suites: (Omit<SuiteInfo, 'path'> & { file?: string })[] };
  return doc.suites.map((s) => ({ ...s, path: join(BUILTIN_SUITES_DIR, s.file ?? `${s.name}.jsonl`) }));
}

export interface ReadOptions {
  /** Fail on a repeated id (default true). Uses a 52-bit hash per id, not the id strings. */
  checkDuplicates?: boolean;
}

export async function* readSuite(nameOrPath: string, opts: ReadOptions = {}): AsyncGenerator<Case> {
  const path = resolveSuite(nameOrPath);
  const file = basename(path);
  const ext = extname(path).toLowerCase();
  const seen = opts.checkDuplicates === false ? null : new HashSet52();
  const check = (c: Case, line: number) => {
    if (!seen) return;
    if (!seen.add(idHash(c.id))) throw new SuiteError(file, line, 'id', `duplicate id "${c.id}"`);
  };
  if (path.endsWith('.ref.yaml')) {
    try {
      for await (const [c, n] of readReferenceSuite(path)) {
        check(c, n);
        yield c;
      }
    } catch (e) {
      if (e instanceof ReferenceSuiteError) throw new SuiteError(file, 0, 'source', e.message);
      throw e;
    }
    return;
  }
  if (ext === '.yaml' || ext === '.yml') {
    for (const [raw, line] of yamlItems(path, file)) {
      const r = parseCase(raw);
      if (!r.ok) throw new SuiteError(file, line, r.field, r.message);
      check(r.value, line);
      yield r.value;
    }
    return;
  }
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of rl) {
      line++;
      const t = text.trim();
      if (t === '' || t.startsWith('//')) continue;
      let raw: unknown;
      try {
        raw = JSON.parse(t);
      } catch (e) {
        throw new SuiteError(file, line, '(line)', `not valid JSON: ${(e as Error).message}`);
      }
      const r = parseCase(raw);
      if (!r.ok) throw new SuiteError(file, line, r.field, r.message);
      check(r.value, line);
      yield r.value;
    }
  } finally {
    rl.close();
  }
}

function yamlItems(path: string, file: string): [unknown, number][] {
  const lc = new LineCounter();
  const doc = YAML.parseDocument(readFileSync(path, 'utf8'), { lineCounter: lc });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new SuiteError(file, e.linePos?.[0]?.line ?? 0, '(yaml)', e.message.split('\n')[0]!);
  }
  let seq = doc.contents;
  if (isMap(seq) && seq.has('cases')) seq = seq.get('cases', true) as unknown as typeof seq;
  if (!isSeq(seq)) throw new SuiteError(file, 1, '(root)', 'a YAML suite is a list of cases (or a map with a `cases` list)');
  return seq.items.map((item) => {
    const offset = (item as { range?: [number, number, number] }).range?.[0] ?? 0;
    return [(item as { toJSON(): unknown }).toJSON(), lc.linePos(offset).line];
  });
}

/** 52-bit FNV-1a-style hash of a string; stable across runs and platforms. */
export function idHash(s: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return (h1 & 0xfffff) * 0x100000000 + h2;
}

/** Number of non-blank lines (JSONL) or items (YAML), for progress estimates. */
export async function countCases(nameOrPath: string): Promise<number> {
  const path = resolveSuite(nameOrPath);
  const ext = extname(path).toLowerCase();
  if (path.endsWith('.ref.yaml')) {
    let n = 0;
    for await (const _ of readReferenceSuite(path)) n++;
    return n;
  }
  if (ext === '.yaml' || ext === '.yml') return yamlItems(path, basename(path)).length;
  let n = 0;
  let inLine = false;
  for await (const chunk of createReadStream(path)) {
    for (const b of chunk as Buffer) {
      if (b === 10) {
        if (inLine) n++;
        inLine = false;
      } else if (b !== 13 && b !== 32 && b !== 9) inLine = true;
    }
  }
  return n + (inLine ? 1 : 0);
}
