// Locating and reading the guard's data files (data/guard/…). Kept tiny and synchronous: data
// is loaded once when a guard is created, never on the per-request path.
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isAbsolute, join, resolve } from 'node:path';

/** Absolute path of the repository's data/guard directory. */
export const GUARD_DATA_DIR = fileURLToPath(new URL('../../data/guard/', import.meta.url));

/** Resolve a data path: absolute paths are kept; relative ones are tried against the working
 * directory first, then against data/guard/. */
export function resolveDataPath(p: string, baseDir?: string): string {
  if (isAbsolute(p)) return p;
  const candidates = [baseDir ? resolve(baseDir, p) : undefined, resolve(p), join(GUARD_DATA_DIR, p)];
  for (const c of candidates) if (c && existsSync(c)) return c;
  return join(GUARD_DATA_DIR, p);
}

export function readText(p: string, baseDir?: string): string {
  return readFileSync(resolveDataPath(p, baseDir), 'utf8');
}

/** Rows of a TSV file, skipping blank lines and lines starting with '#'. */
export function readTsv(p: string, baseDir?: string): string[][] {
  return parseTsv(readText(p, baseDir));
}

export function parseTsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split('\n')) {
    const l = line.replace(/\r$/, '');
    if (l === '' || l.startsWith('#')) continue;
    rows.push(l.split('\t'));
  }
  return rows;
}
