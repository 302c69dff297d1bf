import { z } from 'zod';
import { BilingualSchema, type Bilingual } from '../i18n.ts';

/**
 * File schemas for data/taxonomies/. Three kinds of file:
 *  - a taxonomy file  `<id>.json`                { id, version, name, description, notes?, source, items }
 *  - a part file      `<id>.part-<n>-<what>.json` { extends: <taxonomy id>, notes?, items } — more items of a taxonomy
 *  - a crosswalk file `crosswalk….json`           { id, version, name, description, notes?, links }
 * YAML (.yaml/.yml) is accepted too, but the shipped files are JSON: the `yaml` parser costs ~10× more start-up time.
 * All objects are strict: unknown keys are rejected. Within a taxonomy, items keep file order (main file first,
 * then part files by name). In links, `to` (and a crosswalk's `from`) may be one id or a list of ids.
 */

/** Evidence tags from /work/shared/reference: V verified, C corroborated, T/R/K taken over or recalled, U unverified, derived = our own alignment. */
export const EVIDENCE_TAGS = ['V', 'C', 'T', 'R', 'K', 'U', 'derived'] as const;
export const EvidenceTagSchema = z.enum(EVIDENCE_TAGS);
export type EvidenceTag = (typeof EVIDENCE_TAGS)[number];

/**
 * Link relations, read as "from —relation→ to" (SKOS style):
 * `broader` = `to` is broader than `from`; `narrower` = `to` is narrower; `mitigated-by` = `from` (a risk) is
 * mitigated by `to` (a measure or control); `equivalent` and `related` are symmetric.
 */
export const RELATIONS = ['equivalent', 'related', 'broader', 'narrower', 'mitigated-by'] as const;
export const RelationSchema = z.enum(RELATIONS);
export type Relation = (typeof RELATIONS)[number];

export const TAXONOMY_ID_RE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
export const ITEM_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)+$/;

export const TaxonomyIdSchema = z.string().regex(TAXONOMY_ID_RE, 'taxonomy ids are lower-case kebab-case, e.g. owasp-llm-2025');
export const ItemIdSchema = z
  .string()
  .regex(ITEM_ID_RE, 'item ids are "<taxonomyId>.<code>" using letters, digits, "_", "-" and ".", e.g. tc260.3.1.1.b');

/** One id or a non-empty list of ids; always a list after parsing. */
const IdListSchema = z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(ItemIdSchema).min(1));

const Text = z.string().trim().min(1);

export const ItemLinkSchema = z.strictObject({
  to: IdListSchema,
  relation: RelationSchema,
  verified: EvidenceTagSchema,
  note: Text.optional(),
});

export const ItemSchema = z.strictObject({
  id: ItemIdSchema,
  parent: ItemIdSchema.optional(),
  kind: z.string().regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, 'kinds are lower-case kebab-case, e.g. measure-group'),
  code: Text,
  name: BilingualSchema,
  description: BilingualSchema.optional(),
  verified: EvidenceTagSchema,
  links: z.array(ItemLinkSchema).optional(),
});
export type ItemInput = z.output<typeof ItemSchema>;

export const SourceSchema = z.strictObject({
  title: Text,
  issuer: Text,
  date: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'dates are YYYY, YYYY-MM or YYYY-MM-DD'),
  citation: Text,
});
export type TaxonomySource = z.output<typeof SourceSchema>;

export const TaxonomyFileSchema = z.strictObject({
  id: TaxonomyIdSchema,
  version: Text,
  name: BilingualSchema,
  description: BilingualSchema,
  /** Provenance remarks for maintainers (what is verified, what is ours). */
  notes: Text.optional(),
  source: SourceSchema,
  items: z.array(ItemSchema).min(1),
});

export const PartFileSchema = z.strictObject({
  extends: TaxonomyIdSchema,
  notes: Text.optional(),
  items: z.array(ItemSchema).min(1),
});

export const CrosswalkLinkSchema = z.strictObject({
  from: IdListSchema,
  to: IdListSchema,
  relation: RelationSchema,
  verified: EvidenceTagSchema,
  note: Text.optional(),
});

export const CrosswalkFileSchema = z.strictObject({
  id: TaxonomyIdSchema,
  version: Text,
  name: BilingualSchema,
  description: BilingualSchema,
  notes: Text.optional(),
  links: z.array(CrosswalkLinkSchema).min(1),
});

export type TaxonomyFile = z.output<typeof TaxonomyFileSchema>;
export type PartFile = z.output<typeof PartFileSchema>;
export type CrosswalkFile = z.output<typeof CrosswalkFileSchema>;

/** An item as the registry holds it (frozen). Links are reached through the registry, not stored here. */
export interface TaxonomyItem {
  readonly id: string;
  readonly taxonomy: string;
  readonly parent?: string;
  readonly kind: string;
  readonly code: string;
  readonly name: Bilingual;
  readonly description?: Bilingual;
  readonly verified: EvidenceTag;
}

export interface TaxonomyLink {
  readonly from: string;
  readonly to: string;
  readonly relation: Relation;
  readonly verified: EvidenceTag;
  readonly note?: string;
  /** Where the link was declared: on an item of a taxonomy file, or in a crosswalk file. */
  readonly origin: 'item' | 'crosswalk';
  /** The crosswalk id, or the taxonomy id of the declaring item. */
  readonly declaredIn: string;
}

/** A link seen from one item: `out` when the item is `from`, `in` when it is `to`; `other` is the far end. */
export interface LinkView extends TaxonomyLink {
  readonly direction: 'out' | 'in';
  readonly other: string;
}

export interface Taxonomy {
  readonly id: string;
  readonly version: string;
  readonly name: Bilingual;
  readonly description: Bilingual;
  readonly source: TaxonomySource;
  readonly notes?: string;
  readonly files: readonly string[];
  readonly items: readonly TaxonomyItem[];
}

export interface TaxonomySummary {
  readonly id: string;
  readonly version: string;
  readonly name: Bilingual;
  readonly description: Bilingual;
  readonly source: TaxonomySource;
  readonly itemCount: number;
  /** Item count per kind, in order of first appearance. */
  readonly kinds: Readonly<Record<string, number>>;
}

export interface Crosswalk {
  readonly id: string;
  readonly version: string;
  readonly name: Bilingual;
  readonly description: Bilingual;
  readonly files: readonly string[];
  readonly linkCount: number;
}

/** Weakest-first ordering is derived from this: lower is stronger evidence. */
export const EVIDENCE_RANK: Readonly<Record<EvidenceTag, number>> = { V: 0, C: 1, T: 2, R: 2, K: 2, U: 3, derived: 4 };

export function weakerEvidence(a: EvidenceTag, b: EvidenceTag): EvidenceTag {
  return EVIDENCE_RANK[a] >= EVIDENCE_RANK[b] ? a : b;
}
