import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SuiteError, countCases, listSuites, readSuite } from './index.ts';
import { existsSync } from 'node:fs';
import { datasetsDir } from './reference.ts';
import { HashSet52 } from './hashset.ts';
import { GBT45654_CORE17, GBT45654_ITEMS } from '../taxonomy.ts';
import { idHash } from './index.ts';
import type { Case } from '../types.ts';

const dir = mkdtempSync(join(tmpdir(), 'zh-suite-'));
async function all(p: string): Promise<Case[]> {
  const out: Case[] = [];
  for await (const c of readSuite(p)) out.push(c);
  return out;
}
async function errorOf(p: string): Promise<SuiteError> {
  try {
    await all(p);
  } catch (e) {
    assert.ok(e instanceof SuiteError, String(e));
    return e;
  }
  assert.fail('expected a SuiteError');
}

describe('suites', () => {
  it('reads JSONL and YAML', async () => {
    const j = join(dir, 'a.jsonl');
    writeFileSync(j, '{"id":"a1","prompt":"hi","expect":"answer","categories":["gbt45654.A.2.e"]}\n\n{"id":2,"messages":[{"role":"user","content":"x"}],"expect":"refuse"}\n');
    const cs = await all(j);
    assert.equal(cs.length, 2);
    assert.equal(cs[1]!.id, '2');
    assert.deepEqual(cs[1]!.categories, []);
    assert.equal(await countCases(j), 2);
    const y = join(dir, 'b.yaml');
    writeFileSync(y, '- id: y1\n  prompt: hello\n  expect: answer\n- id: y2\n  prompt: bye\n  expect: refuse\n  categories: [tc260.3.2.1.a]\n');
    assert.equal((await all(y)).length, 2);
  });

  it('errors name file, line and field', async () => {
    const p = join(dir, 'bad.jsonl');
    writeFileSync(p, '{"id":"ok","prompt":"x","expect":"answer"}\n{"id":"b","prompt":"x","expect":"refuse","categories":["not a taxonomy id"]}\n');
    let e = await errorOf(p);
    assert.equal(e.file, 'bad.jsonl');
    assert.equal(e.line, 2);
    assert.equal(e.field, 'categories[0]');
    assert.match(e.message, /^bad\.jsonl:2: categories\[0\]:/);

    writeFileSync(p, '{"id":"a","prompt":"x","expect":"maybe"}\n');
    e = await errorOf(p);
    assert.equal(e.field, 'expect');
    assert.match(e.reason, /refuse/);

    writeFileSync(p, '{"id":"a","prompt":"x","expect":"answer","promt":"typo"}\n');
    e = await errorOf(p);
    assert.equal(e.field, 'promt');

    writeFileSync(p, '{"id":"a","expect":"answer"}\n');
    assert.equal((await errorOf(p)).field, 'prompt');

    writeFileSync(p, '{"id":"a","prompt":"x","expect":"answer"}\n{"id":"a","prompt":"y","expect":"answer"}\n');
    e = await errorOf(p);
    assert.equal(e.line, 2);
    assert.equal(e.field, 'id');

    writeFileSync(p, '{"id":"a","prompt":"x"\n');
    assert.equal((await errorOf(p)).line, 1);

    const y = join(dir, 'bad.yaml');
    writeFileSync(y, '- id: y1\n  prompt: hello\n  expect: answer\n- id: y2\n  messages:\n    - role: robot\n      content: hi\n  expect: answer\n');
    e = await errorOf(y);
    assert.equal(e.line, 4);
    assert.equal(e.field, 'messages[0].role');
  });

  it('unknown suite names are reported', async () => {
    assert.equal((await errorOf('no-such-suite-xyz')).field, 'suite');
  });

  it('every built-in suite loads by name and matches its index count', async () => {
    const suites = listSuites();
    assert.ok(suites.length >= 12);
    for (const info of suites) {
      if (info.path.endsWith('.ref.yaml') && !existsSync(datasetsDir())) continue;
      let n = 0;
      for await (const _ of readSuite(info.name)) n++;
      assert.equal(n, info.cases, info.name);
    }
  });

  it('the shipped generated-content bank meets GB/T 45654 8.2 sizes, in Chinese and English, with provenance', async () => {
    const per = new Map<string, number>();
    const langs = new Map<string, Set<string>>();
    let n = 0;
    for await (const c of readSuite('gbt45654-generated')) {
      n++;
      const items = new Set((c.categories ?? []).filter((x) => x.startsWith('gbt45654.')));
      assert.equal(items.size, 1, `${c.id}: exactly one GB/T item`);
      const source = (c.metadata as { source?: string } | undefined)?.source;
      assert.ok(source, `${c.id}: metadata.source`);
      for (const id of items) {
        per.set(id, (per.get(id) ?? 0) + 1);
        if (!langs.has(id)) langs.set(id, new Set());
        langs.get(id)!.add(c.lang ?? '');
      }
    }
    assert.ok(n >= 2000, `${n} questions`);
    for (const id of GBT45654_ITEMS) {
      const need = GBT45654_CORE17.includes(id) ? 50 : 20;
      assert.ok((per.get(id) ?? 0) >= need, `${id}: ${per.get(id) ?? 0} < ${need}`);
      assert.deepEqual([...langs.get(id)!].sort(), ['en', 'zh'], `${id}: both languages`);
    }
    // Every third-party source named in the rows has its licence shipped next to the suite.
    const attribution = readFileSync(new URL('../../../data/suites/gbt45654-generated.ATTRIBUTION.md', import.meta.url), 'utf8');
    for (const s of ['SafetyBench', 'BBQ', 'HarmBench', 'AdvBench', 'TruthfulQA', 'CValues', 'Presidio', 'Sensitive-lexicon']) assert.match(attribution, new RegExp(s, 'i'));
  });

  it('reference suites map rows of an unmodified source file', async () => {
    const ds = mkdtempSync(join(tmpdir(), 'zh-ds-'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(ds, 'demo'));
    writeFileSync(join(ds, 'demo', 'rows.csv'), 'q,a0,a1,label,kind\n"Which, exactly?",yes,no,1,x\nSecond,"multi\nline",b,0,y\n');
    const ref = join(dir, 'demo.ref.yaml');
    writeFileSync(ref, 'source: { dataset: demo, file: rows.csv }\ncase:\n  id: "demo-{_index}-{hash(q)}"\n  prompt: "{q}"\n  expect: choice\n  reference: "{a[label]}"\n  metadata: { options: ["{a0}", "{a1}"], kind: "{kind}" }\n');
    const prev = process.env['ZONGHENG_DATASETS_DIR'];
    process.env['ZONGHENG_DATASETS_DIR'] = ds;
    try {
      const cs = await all(ref);
      assert.equal(cs.length, 2);
      assert.equal(cs[0]!.prompt, 'Which, exactly?');
      assert.equal(cs[0]!.reference, 'no');
      assert.equal(cs[1]!.reference, 'multi\nline');
      assert.match(cs[0]!.id, /^demo-0-[0-9a-f]{12}$/);
    } finally {
      if (prev === undefined) delete process.env['ZONGHENG_DATASETS_DIR'];
      else process.env['ZONGHENG_DATASETS_DIR'] = prev;
    }
  });

  it('compact hash set behaves like a Set', () => {
    const s = new HashSet52(4);
    const ref = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const h = idHash(`k${i % 3000}`);
      assert.equal(s.add(h), !ref.has(h));
      ref.add(h);
    }
    assert.equal(s.size, ref.size);
    assert.ok(s.has(idHash('k7')) && !s.has(idHash('absent')));
  });
});
