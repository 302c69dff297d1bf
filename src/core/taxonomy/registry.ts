import { notFound, validationFailed } from '../errors.ts';
import { TaxonomyLoadError, type LoadIssue } from './issues.ts';
import {
  EVIDENCE_RANK,
  weakerEvidence,
  type Crosswalk,
  type CrosswalkFile,
  type EvidenceTag,
  type ItemInput,
  type LinkView,
  type PartFile,
  type Relation,
  type Taxonomy,
  type TaxonomyFile,
  type TaxonomyItem,
  type TaxonomyLink,
  type TaxonomySummary,
} from './schema.ts';

export interface RegistryInput {
  taxonomies: { file: string; data: TaxonomyFile }[];
  parts: { file: string; data: PartFile }[];
  crosswalks: { file: string; data: CrosswalkFile }[];
}

export interface SearchOptions {
  /** Restrict to one or more taxonomy ids. */
  taxonomy?: string | readonly string[];
  /** Restrict to one or more item kinds (`risk`, `measure`, `control`, …). */
  kind?: string | readonly string[];
  /** Maximum hits, default 20. */
  limit?: number;
}

export interface SearchHit {
  readonly item: TaxonomyItem;
  readonly score: number;
  /** The best-matching field. */
  readonly matched: 'id' | 'code' | 'name' | 'description';
}

export interface MeasuresForOptions {
  /** Taxonomies whose items count as measures, default `['tc260']`; e.g. add `iso42001` for Annex A controls. */
  taxonomies?: readonly string[];
  /** Include links tagged `derived` (guideline links, crosswalk hops). Default true. */
  includeDerived?: boolean;
}

export interface MeasureRef {
  readonly id: string;
  readonly item: TaxonomyItem;
  /** Weakest evidence along the strongest path that reached the measure. */
  readonly verified: EvidenceTag;
  /** Ids from the queried risk to the measure, e.g. `['gbt45654.A.4.e', 'tc260.3.1.2.a', 'tc260.4.1.2.a']`. */
  readonly via: readonly string[];
}

const EQUIVALENCE: ReadonlySet<Relation> = new Set(['equivalent', 'related', 'broader', 'narrower']);
const PIVOT_TAXONOMY = 'tc260';
const PIVOT_KINDS: ReadonlySet<string> = new Set(['class', 'domain', 'risk']);

interface SearchEntry {
  item: TaxonomyItem;
  id: string;
  code: string;
  zh: string;
  en: string;
  desc: string;
}

interface TaxonomyRecord extends Taxonomy {
  readonly items: TaxonomyItem[];
  readonly files: string[];
}

const norm = (s: string) => s.normalize('NFKC').toLowerCase();
/** Key for "did you mean": case and punctuation folded, so `TC260.3.1.1b` finds `tc260.3.1.1.b`. */
const foldKey = (s: string) => norm(s).replace(/[^\p{L}\p{N}]+/gu, '');

function unknownIdMessage(id: string, folded: ReadonlyMap<string, string>): string {
  const guess = folded.get(foldKey(id));
  return guess ? `unknown id "${id}" (did you mean "${guess}"?)` : `unknown id "${id}"`;
}

export class TaxonomyRegistry {
  private readonly taxonomies = new Map<string, TaxonomyRecord>();
  private readonly crosswalkList: Crosswalk[] = [];
  private readonly items = new Map<string, TaxonomyItem>();
  private readonly order = new Map<string, number>();
  private readonly childMap = new Map<string, TaxonomyItem[]>();
  private readonly outLinks = new Map<string, TaxonomyLink[]>();
  private readonly inLinks = new Map<string, TaxonomyLink[]>();
  private readonly folded = new Map<string, string>();
  private readonly searchEntries: SearchEntry[] = [];

  private constructor() {}

  /** Validates cross-file rules and indexes everything. Throws TaxonomyLoadError listing every problem. */
  static build(input: RegistryInput): TaxonomyRegistry {
    const issues: LoadIssue[] = [];
    const add = (file: string, path: string, message: string) => issues.push({ file, path, message });

    type Pending = { item: ItemInput; file: string; path: string; taxonomy: string };
    const metas = new Map<string, { data: TaxonomyFile; files: string[]; items: Pending[] }>();
    const declared = new Map<string, string>(); // taxonomy/crosswalk id → file
    for (const { file, data } of input.taxonomies) {
      const prev = declared.get(data.id);
      if (prev) add(file, 'id', `duplicate taxonomy id "${data.id}" (also declared in ${prev})`);
      else {
        declared.set(data.id, file);
        metas.set(data.id, {
          data,
          files: [file],
          items: data.items.map((item, i) => ({ item, file, path: `items[${i}]`, taxonomy: data.id })),
        });
      }
    }
    for (const { file, data } of input.crosswalks) {
      const prev = declared.get(data.id);
      if (prev) add(file, 'id', `duplicate id "${data.id}" (also declared in ${prev})`);
      else declared.set(data.id, file);
    }
    for (const { file, data } of input.parts) {
      const meta = metas.get(data.extends);
      if (!meta) {
        add(file, 'extends', `unknown taxonomy "${data.extends}" (known: ${[...metas.keys()].join(', ') || 'none'})`);
        continue;
      }
      meta.files.push(file);
      data.items.forEach((item, i) => meta.items.push({ item, file, path: `items[${i}]`, taxonomy: data.extends }));
    }

    // Ids: prefix and uniqueness.
    const where = new Map<string, Pending>();
    for (const meta of metas.values()) {
      for (const p of meta.items) {
        const { id } = p.item;
        if (!id.startsWith(`${p.taxonomy}.`)) add(p.file, `${p.path}.id`, `id "${id}" must start with "${p.taxonomy}."`);
        const first = where.get(id);
        if (first) add(p.file, `${p.path}.id`, `duplicate id "${id}" (first defined in ${first.file}: ${first.path})`);
        else where.set(id, p);
      }
    }
    const folded = new Map<string, string>();
    for (const id of where.keys()) if (!folded.has(foldKey(id))) folded.set(foldKey(id), id);

    // Parents: known, same taxonomy, no cycles.
    for (const p of where.values()) {
      const parent = p.item.parent;
      if (parent === undefined) continue;
      const at = `${p.path}.parent`;
      if (parent === p.item.id) add(p.file, at, 'an item cannot be its own parent');
      else if (!where.has(parent)) add(p.file, at, `unknown parent: ${unknownIdMessage(parent, folded)}`);
      else if (where.get(parent)!.taxonomy !== p.taxonomy)
        add(p.file, at, `parent "${parent}" is in taxonomy "${where.get(parent)!.taxonomy}", not "${p.taxonomy}"`);
    }
    for (const p of where.values()) {
      const seen = new Set<string>([p.item.id]);
      let cur = p.item.parent;
      while (cur !== undefined && where.has(cur)) {
        if (seen.has(cur)) {
          add(p.file, `${p.path}.parent`, `parent chain of "${p.item.id}" loops back to "${cur}"`);
          break;
        }
        seen.add(cur);
        cur = where.get(cur)!.item.parent;
      }
    }

    // Links: endpoints known, not to self, no duplicates.
    const links: TaxonomyLink[] = [];
    const linkAt = new Map<string, string>();
    const pushLink = (link: TaxonomyLink, file: string, path: string) => {
      if (link.from === link.to) return add(file, path, `"${link.from}" links to itself`);
      const key = `${link.from}\u0000${link.to}\u0000${link.relation}`;
      const prev = linkAt.get(key);
      if (prev) return add(file, path, `duplicate link ${link.from} —${link.relation}→ ${link.to} (also at ${prev})`);
      linkAt.set(key, `${file}: ${path}`);
      links.push(link);
    };
    for (const meta of metas.values()) {
      for (const p of meta.items) {
        p.item.links?.forEach((l, j) => {
          l.to.forEach((to, k) => {
            const path = `${p.path}.links[${j}].to[${k}]`;
            if (!where.has(to)) return add(p.file, path, `link to ${unknownIdMessage(to, folded)}`);
            const link: TaxonomyLink = { from: p.item.id, to, relation: l.relation, verified: l.verified, origin: 'item', declaredIn: p.taxonomy };
            pushLink(l.note ? { ...link, note: l.note } : link, p.file, path);
          });
        });
      }
    }
    for (const { file, data } of input.crosswalks) {
      data.links.forEach((l, i) => {
        let ok = true;
        l.from.forEach((id, k) => {
          if (!where.has(id)) (ok = false), add(file, `links[${i}].from[${k}]`, unknownIdMessage(id, folded));
        });
        l.to.forEach((id, k) => {
          if (!where.has(id)) (ok = false), add(file, `links[${i}].to[${k}]`, unknownIdMessage(id, folded));
        });
        if (!ok) return;
        for (const from of l.from)
          for (const to of l.to) {
            const link: TaxonomyLink = { from, to, relation: l.relation, verified: l.verified, origin: 'crosswalk', declaredIn: data.id };
            pushLink(l.note ? { ...link, note: l.note } : link, file, `links[${i}]`);
          }
      });
    }

    if (issues.length) throw new TaxonomyLoadError(issues);

    const reg = new TaxonomyRegistry();
    for (const [id, meta] of metas) {
      const items: TaxonomyItem[] = meta.items.map(({ item }) => {
        const out: TaxonomyItem = {
          id: item.id,
          taxonomy: id,
          ...(item.parent !== undefined ? { parent: item.parent } : {}),
          kind: item.kind,
          code: item.code,
          name: Object.freeze({ ...item.name }),
          ...(item.description ? { description: Object.freeze({ ...item.description }) } : {}),
          verified: item.verified,
        };
        return Object.freeze(out);
      });
      const { data } = meta;
      reg.taxonomies.set(id, {
        id,
        version: data.version,
        name: data.name,
        description: data.description,
        source: data.source,
        ...(data.notes ? { notes: data.notes } : {}),
        files: meta.files,
        items,
      });
      for (const item of items) {
        reg.order.set(item.id, reg.items.size);
        reg.items.set(item.id, item);
        if (item.parent !== undefined) push(reg.childMap, item.parent, item);
        reg.searchEntries.push({
          item,
          id: norm(item.id),
          code: norm(item.code),
          zh: norm(item.name.zh),
          en: norm(item.name.en),
          desc: item.description ? norm(`${item.description.zh}\n${item.description.en}`) : '',
        });
      }
    }
    for (const { file, data } of input.crosswalks) {
      const existing = reg.crosswalkList.find((c) => c.id === data.id);
      if (!existing)
        reg.crosswalkList.push({
          id: data.id,
          version: data.version,
          name: data.name,
          description: data.description,
          files: [file],
          linkCount: links.filter((l) => l.origin === 'crosswalk' && l.declaredIn === data.id).length,
        });
    }
    for (const link of links) {
      const frozen = Object.freeze(link);
      push(reg.outLinks, link.from, frozen);
      push(reg.inLinks, link.to, frozen);
    }
    for (const [k, v] of folded) reg.folded.set(k, v);
    return reg;
  }

  /** Every taxonomy with its item counts, in file-name order. */
  list(): TaxonomySummary[] {
    return [...this.taxonomies.values()].map((t) => {
      const kinds: Record<string, number> = {};
      for (const item of t.items) kinds[item.kind] = (kinds[item.kind] ?? 0) + 1;
      return {
        id: t.id,
        version: t.version,
        name: t.name,
        description: t.description,
        source: t.source,
        itemCount: t.items.length,
        kinds,
      };
    });
  }

  /** The crosswalk files (not taxonomies) and how many links each contributes. */
  crosswalks(): Crosswalk[] {
    return [...this.crosswalkList];
  }

  get(taxonomyId: string): Taxonomy | undefined {
    return this.taxonomies.get(taxonomyId);
  }

  item(id: string): TaxonomyItem | undefined {
    return this.items.get(id);
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  /** All items, or the items of one taxonomy, in file order. */
  all(taxonomyId?: string): readonly TaxonomyItem[] {
    if (taxonomyId === undefined) return [...this.items.values()];
    return this.requireTaxonomy(taxonomyId).items;
  }

  /** Direct children of an item in file order; given a taxonomy id, its root items. */
  children(id: string): TaxonomyItem[] {
    const tax = this.taxonomies.get(id);
    if (tax) return tax.items.filter((i) => i.parent === undefined);
    this.require(id);
    return [...(this.childMap.get(id) ?? [])];
  }

  /** Parent, grandparent, …, root (nearest first). Empty for a root. */
  ancestors(id: string): TaxonomyItem[] {
    let cur = this.require(id);
    const out: TaxonomyItem[] = [];
    while (cur.parent !== undefined) {
      cur = this.items.get(cur.parent)!;
      out.push(cur);
    }
    return out;
  }

  /** Every item below `id`, depth-first in file order. */
  descendants(id: string): TaxonomyItem[] {
    this.require(id);
    const out: TaxonomyItem[] = [];
    const walk = (p: string) => {
      for (const c of this.childMap.get(p) ?? []) {
        out.push(c);
        walk(c.id);
      }
    };
    walk(id);
    return out;
  }

  /** Outgoing and incoming links of an item (item-declared and crosswalk), outgoing first. */
  links(id: string): LinkView[] {
    this.require(id);
    const out: LinkView[] = (this.outLinks.get(id) ?? []).map((l) => ({ ...l, direction: 'out', other: l.to }));
    for (const l of this.inLinks.get(id) ?? []) out.push({ ...l, direction: 'in', other: l.from });
    return out;
  }

  /**
   * Measures that mitigate a risk: the `mitigated-by` targets of the risk, of its ancestors (domain-level
   * guideline links) and of its descendants (when given a domain or class). For a risk outside TC260, one
   * crosswalk hop (equivalent/related/broader/narrower, either direction) into TC260 risks is followed first;
   * such results are at best `derived`. Sorted by taxonomy, then file order.
   */
  measuresFor(riskId: string, opts: MeasuresForOptions = {}): MeasureRef[] {
    const start = this.require(riskId);
    const targets = new Set(opts.taxonomies ?? [PIVOT_TAXONOMY]);
    const includeDerived = opts.includeDerived ?? true;
    const best = new Map<string, MeasureRef>();
    const offer = (id: string, verified: EvidenceTag, via: string[]) => {
      if (!includeDerived && verified === 'derived') return;
      const prev = best.get(id);
      if (prev && EVIDENCE_RANK[prev.verified] <= EVIDENCE_RANK[verified]) return;
      best.set(id, { id, item: this.items.get(id)!, verified, via });
    };
    const scope = (id: string) => [id, ...this.ancestors(id).map((i) => i.id), ...this.descendants(id).map((i) => i.id)];
    const collect = (from: string, base: EvidenceTag, prefix: string[]) => {
      for (const s of scope(from))
        for (const l of this.outLinks.get(s) ?? []) {
          if (l.relation !== 'mitigated-by' || !targets.has(this.items.get(l.to)!.taxonomy)) continue;
          const via = s === prefix[prefix.length - 1] ? [...prefix, l.to] : [...prefix, s, l.to];
          offer(l.to, weakerEvidence(base, l.verified), via);
        }
    };
    collect(riskId, 'V', [riskId]);
    if (start.taxonomy !== PIVOT_TAXONOMY) {
      for (const s of scope(riskId)) {
        for (const l of this.links(s)) {
          if (!EQUIVALENCE.has(l.relation)) continue;
          const pivot = this.items.get(l.other)!;
          if (pivot.taxonomy !== PIVOT_TAXONOMY || !PIVOT_KINDS.has(pivot.kind)) continue;
          collect(pivot.id, l.verified, s === riskId ? [riskId, pivot.id] : [riskId, s, pivot.id]);
        }
      }
    }
    const taxOrder = [...targets];
    return [...best.values()].sort(
      (a, b) =>
        taxOrder.indexOf(a.item.taxonomy) - taxOrder.indexOf(b.item.taxonomy) || this.order.get(a.id)! - this.order.get(b.id)!,
    );
  }

  /**
   * Case-insensitive search over ids, codes, Chinese and English names and descriptions. Every whitespace-separated
   * term must match somewhere; exact id/code/name matches rank first, then prefixes, then substrings.
   */
  search(query: string, opts: SearchOptions = {}): SearchHit[] {
    const q = norm(query).trim();
    if (!q) return [];
    const terms = q.split(/\s+/);
    const taxa = opts.taxonomy === undefined ? undefined : new Set(typeof opts.taxonomy === 'string' ? [opts.taxonomy] : opts.taxonomy);
    const kinds = opts.kind === undefined ? undefined : new Set(typeof opts.kind === 'string' ? [opts.kind] : opts.kind);
    const limit = Math.max(0, opts.limit ?? 20);
    const hits: { hit: SearchHit; order: number }[] = [];
    for (const e of this.searchEntries) {
      if (taxa && !taxa.has(e.item.taxonomy)) continue;
      if (kinds && !kinds.has(e.item.kind)) continue;
      let score = 0;
      let matched: SearchHit['matched'] = 'description';
      let bestTerm = -1;
      let ok = true;
      for (const t of terms) {
        const [s, field] = scoreTerm(e, t);
        if (s === 0) {
          ok = false;
          break;
        }
        score += s;
        if (s > bestTerm) (bestTerm = s), (matched = field);
      }
      if (!ok) continue;
      if (terms.length > 1) {
        if (e.id === q || e.code === q) score += 100;
        else if (e.zh === q || e.en === q) score += 90;
        else if (e.code.includes(q) || e.zh.includes(q) || e.en.includes(q)) score += 30;
      }
      hits.push({ hit: { item: e.item, score, matched }, order: this.order.get(e.item.id)! });
    }
    hits.sort((a, b) => b.hit.score - a.hit.score || a.order - b.order);
    return hits.slice(0, limit).map((h) => h.hit);
  }

  /**
   * Throws a validation error naming each unknown id and its index (`taxonomyIds[2]: unknown id "…"`),
   * with a "did you mean" when only case or punctuation differs. `field` names the list in messages.
   */
  assertKnown(ids: readonly string[], field = 'taxonomyIds'): void {
    const bad: { field: string; message: string }[] = [];
    ids.forEach((id, i) => {
      if (!this.items.has(id)) bad.push({ field: `${field}[${i}]`, message: unknownIdMessage(id, this.folded).replace('unknown id', 'unknown taxonomy id') });
    });
    if (!bad.length) return;
    const message = bad.map((b) => `${b.field}: ${b.message}`).join('; ');
    throw validationFailed(message, {
      field: bad[0]!.field,
      allowed: 'ids of taxonomy items, e.g. tc260.3.1.1.b, gbt45654.A.1.a, owasp-llm-2025.LLM01',
      issues: bad,
    });
  }

  private require(id: string): TaxonomyItem {
    const item = this.items.get(id);
    if (!item) throw notFound('taxonomy item', id);
    return item;
  }

  private requireTaxonomy(id: string): TaxonomyRecord {
    const t = this.taxonomies.get(id);
    if (!t) throw notFound('taxonomy', id);
    return t;
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function scoreTerm(e: SearchEntry, t: string): [number, SearchHit['matched']] {
  if (e.id === t) return [100, 'id'];
  if (e.code === t) return [95, 'code'];
  if (e.zh === t || e.en === t) return [90, 'name'];
  if (e.id.endsWith(`.${t}`)) return [70, 'id'];
  if (e.code.startsWith(t) || e.id.startsWith(t)) return [60, e.code.startsWith(t) ? 'code' : 'id'];
  if (e.zh.startsWith(t) || e.en.startsWith(t)) return [55, 'name'];
  if (e.zh.includes(t) || e.en.includes(t)) return [50, 'name'];
  if (e.code.includes(t) || e.id.includes(t)) return [40, e.code.includes(t) ? 'code' : 'id'];
  if (e.desc.includes(t)) return [20, 'description'];
  return [0, 'description'];
}
