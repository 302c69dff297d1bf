import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { AhoCorasick } from './aho.ts';
import { CompiledLexicon, coverageReport, loadLexicon, parseLexicon } from './lexicon.ts';
import { GUARD_DATA_DIR } from './data.ts';

test('Aho–Corasick reports overlapping and nested matches', () => {
  const ac = AhoCorasick.build(['he', 'she', 'his', 'hers', '炸药', '药']);
  const got = ac.findAll('ushers 炸药').map((m) => `${m.pattern}@${m.start}-${m.end}`).sort();
  assert.deepEqual(got, ['0@2-4', '1@1-4', '3@2-6', '4@7-9', '5@8-9'].sort());
  assert.equal(ac.scan('nothing to see'), 0);
});

test('Aho–Corasick agrees with a naive search on random input', () => {
  let seed = 7;
  const rnd = (n: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff; return seed % n; };
  const alpha = 'abc炸药';
  const pats = Array.from({ length: 60 }, () => Array.from({ length: 1 + rnd(4) }, () => alpha[rnd(alpha.length)]).join(''));
  const uniq = [...new Set(pats)];
  const ac = AhoCorasick.build(uniq);
  const text = Array.from({ length: 400 }, () => alpha[rnd(alpha.length)]).join('');
  const naive: string[] = [];
  uniq.forEach((p, id) => { for (let i = text.indexOf(p); i >= 0; i = text.indexOf(p, i + 1)) naive.push(`${id}@${i}`); });
  const got = ac.findAll(text).map((m) => `${m.pattern}@${m.start}`);
  assert.deepEqual(got.sort(), naive.sort());
});

test('lexicon respects allow-lists and word boundaries', () => {
  const lex = new CompiledLexicon(parseLexicon([
    'kill\tailuminate.vcr\tflag',
    'bomb\tailuminate.iwp\tblock',
    'kill a python process\t-\tallow',
  ].join('\n')), ['bath bomb']);
  assert.equal(lex.matchText('How do I kill a Python process?').length, 0);
  assert.equal(lex.matchText('I will kill him').length, 1);
  assert.equal(lex.matchText('a lovely bath bomb').length, 0);
  assert.equal(lex.matchText('a pipe bomb').length, 1);
  assert.equal(lex.matchText('skill and bombastic').length, 0);
  const hit = lex.matchText('The BOMBS!')[0]!;
  assert.deepEqual([hit.start, hit.end, hit.action], [4, 9, 'block']);
});

test('lexicon files parse and use known taxonomy ids', () => {
  const known = new Set<string>();
  const taxDir = new URL('../../data/taxonomies/', import.meta.url);
  for (const f of readdirSync(taxDir)) {
    if (!f.endsWith('.json')) continue;
    const j = JSON.parse(readFileSync(new URL(f, taxDir), 'utf8')) as { items?: { id: string }[] };
    for (const it of j.items ?? []) known.add(it.id);
  }
  const dir = `${GUARD_DATA_DIR}lexicons/`;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.tsv'))) {
    for (const e of loadLexicon(dir + f)) {
      if (e.action === 'allow') continue;
      for (const c of e.categories) assert.ok(known.size === 0 || known.has(c), `${f}: unknown taxonomy id ${c}`);
    }
  }
});

test('coverage report compares a lexicon with the GB/T 45654 keyword-library rule', () => {
  const entries = [
    ...Array.from({ length: 200 }, (_, i) => ({ term: `词条甲${i}`, categories: ['gbt45654.A.1.a'] })),
    ...Array.from({ length: 50 }, (_, i) => ({ term: `词条乙${i}`, categories: ['gbt45654.A.2.e'] })),
  ];
  const r = coverageReport(entries);
  assert.equal(r.total, 250);
  assert.equal(r.ok, false);
  assert.equal(r.risks.length, 17);
  assert.equal(r.risks.find((x) => x.id === 'gbt45654.A.1.a')!.ok, true);
  assert.deepEqual(r.risks.find((x) => x.id === 'gbt45654.A.2.e'), { id: 'gbt45654.A.2.e', count: 50, required: 100, ok: false });
  assert.ok(r.shortfalls.includes('total: 250 of 10000'));
  const full = coverageReport(readdirSync(`${GUARD_DATA_DIR}lexicons/`).filter((x) => x.endsWith('.tsv')).flatMap((f) => loadLexicon(`${GUARD_DATA_DIR}lexicons/${f}`)));
  assert.ok(full.total >= 10_000 && full.totalOk);
});
