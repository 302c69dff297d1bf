export interface LoadIssue {
  /** File as shown to people: relative to the working directory when inside it. */
  file: string;
  /** Path inside the file, e.g. `items[12].name.zh`; empty for whole-file problems. */
  path: string;
  message: string;
}

/** Thrown when any taxonomy file is unreadable or invalid. `message` lists every problem, one per line. */
export class TaxonomyLoadError extends Error {
  readonly issues: readonly LoadIssue[];
  constructor(issues: LoadIssue[]) {
    const lines = issues.map((i) => `${i.file}: ${i.path ? `${i.path}: ` : ''}${i.message}`);
    const head = issues.length === 1 ? 'Invalid taxonomy data' : `Invalid taxonomy data (${issues.length} problems)`;
    super(`${head}:\n${lines.join('\n')}`);
    this.name = 'TaxonomyLoadError';
    this.issues = issues;
  }
}

/** `['items', 12, 'name', 'zh']` → `items[12].name.zh` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}
