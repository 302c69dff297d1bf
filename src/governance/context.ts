import type { TaxonomyRegistry } from '../core/taxonomy/index.ts';
import type { RuleSet } from '../core/rules/index.ts';
import type { Role, Store } from '../store/index.ts';

/** Who is acting. Every write records it in the revision and the audit entry. */
export interface Actor {
  id: string;
  name: string;
  role: Role;
}

export interface GovernanceDeps {
  store: Store;
  taxonomies: TaxonomyRegistry;
  rules: RuleSet;
  now?: () => Date;
}

export function actorLabel(a: Actor): string {
  return `${a.name} <${a.id}>`;
}

export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * 86_400_000);
}
