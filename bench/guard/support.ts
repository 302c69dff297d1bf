// What the benchmark needs from the guard library, in one place.
import { GUARD_DATA_DIR } from '../../src/guard/data.ts';
export { createGuard, normalise, detectPii, Featurizer, loadClassifier, loadLexicon, CompiledLexicon, type LexiconEntry } from '../../src/guard/index.ts';
export const GUARD_LEXICON_DIR = `${GUARD_DATA_DIR}lexicons/`;
export { normaliseView } from '../../src/guard/normalise.ts';
export { FastClassifier } from '../../src/guard/classifier-fast.ts';
