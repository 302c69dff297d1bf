import { InvalidArgumentError, type Command } from 'commander';

export function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port number 0–65535');
  return n;
}
export function parseLevel(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 5) throw new InvalidArgumentError('an integer 1–5');
  return n;
}
export function parseList(v: string): string[] {
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}
/** `people=4,financial=3` → { peopleSafety: 4, financial: 3 }. */
const DIM_ALIASES: Record<string, string> = { people: 'peopleSafety', safety: 'peopleSafety', peoplesafety: 'peopleSafety', financial: 'financial', legal: 'legal', reputation: 'reputation', societal: 'societal', social: 'societal' };
export function parseImpact(v: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of parseList(v)) {
    const [k, val] = part.split('=');
    const dim = DIM_ALIASES[(k ?? '').toLowerCase()];
    if (!dim) throw new InvalidArgumentError(`unknown impact dimension "${k}"; use people, financial, legal, reputation, societal (e.g. people=4,financial=3)`);
    out[dim] = parseLevel(val ?? '');
  }
  return out;
}

export function globalFlags(program: Command): { config?: string; dataDir?: string; databaseUrl?: string } {
  const o = program.opts<{ config?: string; dataDir?: string; databaseUrl?: string }>();
  return { config: o.config, dataDir: o.dataDir, databaseUrl: o.databaseUrl };
}
