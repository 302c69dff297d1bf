import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { z } from 'zod';
import { CrosswalkFileSchema, PartFileSchema, TaxonomyFileSchema } from './schema.ts';
import { TaxonomyRegistry, type RegistryInput } from './registry.ts';
import { TaxonomyLoadError, formatPath, type LoadIssue } from './issues.ts';

/** `<repo>/data/taxonomies`, found from this file's location (src/core/taxonomy/). */
export const DEFAULT_TAXONOMY_DIR = fileURLToPath(new URL('../../../data/taxonomies/', import.meta.url));

type YamlParse = (src: string, options: { uniqueKeys: boolean; prettyErrors: boolean }) => unknown;
let yamlParse: YamlParse | undefined;
/** Loaded only when a YAML file is present: the shipped data is JSON and importing `yaml` costs start-up time. */
function yamlParser(): YamlParse {
  yamlParse ??= (createRequire(import.meta.url)('yaml') as { parse: YamlParse }).parse;
  return yamlParse;
}

const DATA_FILE = /\.(json|ya?ml)$/i;

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** Short, actionable zod messages: "required" for missing keys, "unknown key" for extra ones. */
function zodIssues(error: z.ZodError, file: string, doc: unknown): LoadIssue[] {
  return error.issues.map((iss) => {
    let path = formatPath(iss.path);
    let message = iss.message;
    if (iss.code === 'unrecognized_keys') {
      const keys = iss.keys;
      path = keys.length === 1 ? formatPath([...iss.path, keys[0]!]) : path;
      message = keys.length === 1 ? 'unknown key' : `unknown keys ${keys.map((k) => `"${k}"`).join(', ')}`;
    } else if (iss.code === 'too_small' && iss.origin === 'string') {
      message = 'must not be empty';
    }
    const itemId = itemIdAt(doc, iss.path);
    return { file, path, message: itemId ? `${message} (item ${itemId})` : message };
  });
}

/** The id of the item an issue sits in, when the item has one: helps find `items[57]` in a long file. */
function itemIdAt(doc: unknown, path: readonly PropertyKey[]): string | undefined {
  if (path[0] !== 'items' || typeof path[1] !== 'number' || path.length < 3) return undefined;
  const items = (doc as { items?: unknown } | null)?.items;
  const item = Array.isArray(items) ? items[path[1]] : undefined;
  const id = (item as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

const errorMap = (iss: { code: string; input?: unknown }) =>
  iss.code === 'invalid_type' && iss.input === undefined ? 'required' : undefined;

function parseText(text: string, file: string, shown: string, issues: LoadIssue[]): unknown {
  try {
    if (/\.json$/i.test(file)) return JSON.parse(text);
    return yamlParser()(text, { uniqueKeys: true, prettyErrors: true });
  } catch (err) {
    const e = err as Error & { linePos?: { line: number; col: number }[] };
    const first = e.message.split('\n')[0]!.replace(/:$/, '');
    const offset = /position (\d+)/.exec(first)?.[1];
    const pos = e.linePos?.[0] ?? (offset !== undefined ? lineCol(text, Number(offset)) : undefined);
    const where = pos && !/\bline \d+/.test(first) ? ` (line ${pos.line}, column ${pos.col})` : '';
    issues.push({ file: shown, path: '', message: `cannot parse: ${first}${where}` });
    return undefined;
  }
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

export type LoadedFiles = RegistryInput;

/** Reads and schema-checks every data file in `dir`. Throws TaxonomyLoadError listing all problems found. */
export function readTaxonomyFiles(dir: string): LoadedFiles {
  const abs = resolve(dir);
  let names: string[];
  try {
    names = readdirSync(abs).filter((n) => DATA_FILE.test(n) && !n.startsWith('.'));
  } catch (err) {
    throw new TaxonomyLoadError([{ file: displayPath(abs), path: '', message: `cannot read directory: ${(err as Error).message}` }]);
  }
  names.sort();
  const issues: LoadIssue[] = [];
  const out: LoadedFiles = { taxonomies: [], parts: [], crosswalks: [] };
  if (names.length === 0) issues.push({ file: displayPath(abs), path: '', message: 'no taxonomy files (*.yaml, *.yml, *.json)' });
  for (const name of names) {
    const file = join(abs, name);
    const shown = displayPath(file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      issues.push({ file: shown, path: '', message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    const doc = parseText(text, file, shown, issues);
    if (doc === undefined) continue;
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      issues.push({ file: shown, path: '', message: 'expected an object at the top level' });
      continue;
    }
    if (name.toLowerCase().startsWith('crosswalk')) {
      const r = CrosswalkFileSchema.safeParse(doc, { error: errorMap });
      if (r.success) out.crosswalks.push({ file: shown, data: r.data });
      else issues.push(...zodIssues(r.error, shown, doc));
    } else if ('extends' in doc) {
      const r = PartFileSchema.safeParse(doc, { error: errorMap });
      if (r.success) out.parts.push({ file: shown, data: r.data });
      else issues.push(...zodIssues(r.error, shown, doc));
    } else {
      const r = TaxonomyFileSchema.safeParse(doc, { error: errorMap });
      if (r.success) out.taxonomies.push({ file: shown, data: r.data });
      else issues.push(...zodIssues(r.error, shown, doc));
    }
  }
  if (issues.length) throw new TaxonomyLoadError(issues);
  return out;
}

/**
 * Loads, validates and indexes every taxonomy and crosswalk file in `dir` (synchronously).
 * Fails with TaxonomyLoadError, naming file and item path, on schema errors, duplicate ids, unknown or
 * cross-taxonomy parents, parent cycles, ids outside their taxonomy's prefix, links to unknown ids and duplicate links.
 */
export function loadTaxonomies(dir: string = DEFAULT_TAXONOMY_DIR): TaxonomyRegistry {
  return TaxonomyRegistry.build(readTaxonomyFiles(dir));
}

let cached: TaxonomyRegistry | undefined;

/** The registry for `<repo>/data/taxonomies`, loaded once per process. */
export function defaultTaxonomies(): TaxonomyRegistry {
  cached ??= loadTaxonomies();
  return cached;
}
