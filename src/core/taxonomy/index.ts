/** Taxonomies as data (data/taxonomies/) and the registry over them. See registry.ts for the query API. */
export { loadTaxonomies, defaultTaxonomies, readTaxonomyFiles, DEFAULT_TAXONOMY_DIR } from './load.ts';
export { TaxonomyLoadError, type LoadIssue } from './issues.ts';
export {
  TaxonomyRegistry,
  type MeasureRef,
  type MeasuresForOptions,
  type SearchHit,
  type SearchOptions,
} from './registry.ts';
export {
  EVIDENCE_TAGS,
  RELATIONS,
  EvidenceTagSchema,
  RelationSchema,
  weakerEvidence,
  type Crosswalk,
  type EvidenceTag,
  type LinkView,
  type Relation,
  type Taxonomy,
  type TaxonomyItem,
  type TaxonomyLink,
  type TaxonomySource,
  type TaxonomySummary,
} from './schema.ts';
