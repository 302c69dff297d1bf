/**
 * Reference suites (`*.ref.yaml`): a descriptor that points at an unmodified third-party data file
 * and maps each row to a case at read time. Used for share-alike sources (CC BY-SA), which must
 * stay separate and unmodified, and for any large source we prefer not to copy.
 *
 *   name: faithfulness-halueval
 *   source: { dataset: halueval_qa, file: halueval_qa_one_turn.jsonl }   # JSONL or CSV
 *   every: 1                      # keep every k-th row (deterministic)
 *   where: { context_condition: ambig }   # optional equality filters
 *   case: { id: "halueval-{row}", prompt: "…{question}", expect: faithful, … }
 *
 * Placeholders: `{field}`, `{field.sub}`, `{a[b]}` (= row["a" + row.b]) and `{hash(field)}`.
 * Datasets are looked up in $ZONGHENG_DATASETS_DIR (default /work/shared/datasets).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import YAML from 'yaml';
import type { Case } from '../types.ts';
import { parseCase } from './schema.ts';

export class ReferenceSuiteError extends Error {}

interface Descriptor {
  name?: string;
  source: { dataset: string; file: string; format?: 'jsonl' | 'csv' };
  every?: number;
  where?: Record<string, string | number | boolean>;
  case: Record<string, unknown>;
}

export function datasetsDir(): string {
  return process.env['ZONGHENG_DATASETS_DIR'] ?? '/work/shared/datasets';
}

function lookup(row: Record<string, unknown>, path: string): unknown {
  let cur: unknown = row;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

const TOKEN = /\{(hash\((\w+(?:\.\w+)*)\)|(\w+)\[(\w+)\]|(\w+(?:\.\w+)*))\}/g;

function resolveToken(row: Record<string, unknown>, m: RegExpExecArray | RegExpMatchArray): unknown {
  if (m[2]) return createHash('sha256').update(String(lookup(row, m[2]) ?? '')).digest('hex').slice(0, 12);
  if (m[3]) return row[`${m[3]}${String(row[m[4]!])}`];
  return lookup(row, m[5]!);
}

/** Fills a template value: a string that is a single placeholder keeps the row value's type. */
export function fillTemplate(tpl: unknown, row: Record<string, unknown>): unknown {
  if (typeof tpl === 'string') {
    const whole = [...tpl.matchAll(TOKEN)];
    if (whole.length === 1 && whole[0]![0] === tpl) return resolveToken(row, whole[0]!);
    return tpl.replace(TOKEN, (...args) => {
      const v = resolveToken(row, args as unknown as RegExpMatchArray);
      return v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(tpl)) return tpl.map((t) => fillTemplate(t, row));
  if (tpl && typeof tpl === 'object') return Object.fromEntries(Object.entries(tpl).map(([k, v]) => [k, fillTemplate(v, row)]));
  return tpl;
}

/** Minimal RFC 4180 CSV parser over a stream of lines (quoted fields may span lines). */
async function* csvRows(path: string): AsyncGenerator<Record<string, string>> {
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let header: string[] | undefined;
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  for await (const line of rl) {
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (inQuotes) {
        if (ch === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i++;
          } else inQuotes = false;
        } else field += ch;
      } else if (ch === '"') inQuotes = true;
      else if (ch === ',') {
        fields.push(field);
        field = '';
      } else field += ch;
    }
    if (inQuotes) {
      field += '\n';
      continue;
    }
    fields.push(field);
    field = '';
    if (!header) header = fields;
    else if (fields.length > 1 || fields[0] !== '') yield Object.fromEntries(header.map((h, i) => [h, fields[i] ?? '']));
    fields = [];
  }
}

async function* jsonlRows(path: string): AsyncGenerator<Record<string, unknown>> {
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of rl) if (line.trim()) yield JSON.parse(line) as Record<string, unknown>;
}

export async function* readReferenceSuite(path: string): AsyncGenerator<[Case, number]> {
  const d = YAML.parse(readFileSync(path, 'utf8')) as Descriptor;
  if (!d?.source?.dataset || !d.source.file || !d.case) throw new ReferenceSuiteError(`${basename(path)}: needs source.dataset, source.file and case`);
  const file = join(datasetsDir(), d.source.dataset, d.source.file);
  if (!existsSync(file))
    throw new ReferenceSuiteError(`${basename(path)}: source data ${d.source.dataset}/${d.source.file} not found under ${datasetsDir()} (set ZONGHENG_DATASETS_DIR)`);
  const format = d.source.format ?? (file.endsWith('.csv') ? 'csv' : 'jsonl');
  const every = Math.max(1, d.every ?? 1);
  let i = -1;
  let kept = 0;
  for await (const row of format === 'csv' ? csvRows(file) : jsonlRows(file)) {
    if (d.where && !Object.entries(d.where).every(([k, v]) => String(row[k]) === String(v))) continue;
    i++;
    if (i % every !== 0) continue;
    const filled = fillTemplate(d.case, { ...row, _index: i });
    const r = parseCase(filled);
    if (!r.ok) throw new ReferenceSuiteError(`${basename(path)}: source row ${i + 1}: ${r.field}: ${r.message}`);
    kept++;
    yield [r.value, kept];
  }
}
