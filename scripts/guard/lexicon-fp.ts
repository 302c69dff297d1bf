// Share of benign prompts (every benign row of the training sources, all splits) on which each
// shipped lexicon file matches at least one term, by action. Used to check that lexicon changes
// (generated risk phrases, pinyin/homophone variants) add no false positives. Prints JSON; no rows.
//
//   node --import tsx scripts/guard/lexicon-fp.ts [datasetsDir]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { GUARD_DATA_DIR } from '../../src/guard/data.ts';
import { CompiledLexicon, loadLexicon } from '../../src/guard/lexicon.ts';
import { loadExamples } from './train-data.ts';

const DS = process.argv[2] ?? '/work/shared/datasets';
const benign = loadExamples(DS).filter((e) => (e.inj === 0 || e.inj === undefined) && (e.harm === 0 || e.harm === undefined) && e.out === undefined);
const dir = join(GUARD_DATA_DIR, 'lexicons');
const res: Record<string, unknown> = {};
for (const f of readdirSync(dir).filter((f) => f.endsWith('.tsv') && f !== 'allow.tsv').sort()) {
  const lex = new CompiledLexicon(loadLexicon(join(dir, f)), loadLexicon(join(dir, 'allow.tsv')).map((e) => e.term));
  let any = 0, block = 0;
  for (const e of benign) {
    const hits = lex.matchText(e.text);
    if (hits.length) any++;
    if (hits.some((h) => h.action === 'block')) block++;
  }
  res[f] = { benignPrompts: benign.length, anyMatch: any, blockMatch: block };
}
console.log(JSON.stringify(res, null, 1));
