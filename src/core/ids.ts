import { monotonicFactory } from 'ulid';

const next = monotonicFactory();

/** Entity ids are a short type prefix plus a time-sortable ULID, e.g. `sys_01J…`. */
export type IdPrefix = 'sys' | 'rsk' | 'ctl' | 'evd' | 'inc' | 'prn' | 'tok' | 'run' | 'job';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${next().toLowerCase()}`;
}

export function hasPrefix(id: string, prefix: IdPrefix): boolean {
  return id.startsWith(`${prefix}_`);
}
