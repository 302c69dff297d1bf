import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultTaxonomies, loadTaxonomies, TaxonomyLoadError, type TaxonomyRegistry } from './index.ts';

let reg: TaxonomyRegistry;
let firstLoadMs = 0;

before(() => {
  const t0 = performance.now();
  reg = defaultTaxonomies();
  firstLoadMs = performance.now() - t0;
});

const ids = (items: readonly { id: string }[]) => items.map((i) => i.id);
const ofKind = (taxonomy: string, kind: string) => reg.all(taxonomy).filter((i) => i.kind === kind);
const countBy = <T>(xs: readonly T[], key: (x: T) => string) =>
  xs.reduce<Record<string, number>>((acc, x) => ((acc[key(x)] = (acc[key(x)] ?? 0) + 1), acc), {});

describe('loading', () => {
  // Load time is measured (about 30 ms first load on the dev machine), not asserted: shared CI machines are noisy.
  test('loads all files and caches the registry', () => {
    assert.ok(firstLoadMs > 0);
    assert.equal(defaultTaxonomies(), reg);
    assert.notEqual(loadTaxonomies(), reg, 'loadTaxonomies reads afresh; defaultTaxonomies memoises');
  });

  test('lists every required taxonomy with item counts', () => {
    const list = reg.list();
    const byId = new Map(list.map((t) => [t.id, t]));
    for (const id of ['tc260', 'gbt45654', 'ailuminate', 'owasp-llm-2025', 'owasp-agentic', 'nist-rmf', 'nist-genai', 'iso42001', 'eu-ai-act']) {
      const t = byId.get(id);
      assert.ok(t, `taxonomy ${id} missing`);
      assert.equal(t.itemCount, reg.all(id).length);
      assert.ok(t.name.zh && t.name.en && t.description.zh && t.description.en && t.source.citation);
    }
    assert.equal(byId.get('tc260')!.kinds.risk, 26);
    assert.deepEqual(reg.crosswalks().map((c) => c.id), ['crosswalk']);
    assert.ok(reg.crosswalks()[0]!.linkCount > 200);
  });

  test('every item is bilingual, tagged and prefixed by its taxonomy', () => {
    for (const item of reg.all()) {
      assert.ok(item.id.startsWith(`${item.taxonomy}.`), item.id);
      assert.ok(item.name.zh.length > 0 && item.name.en.length > 0, item.id);
      assert.match(item.verified, /^(V|C|T|R|K|U|derived)$/);
    }
  });
});

describe('counts match the reference', () => {
  test('TC260 v1.0: 2 classes, 7 domains, 26 risks, 21 measures, 10 governance measures, 10/10/9/6 guidelines', () => {
    assert.equal(ofKind('tc260', 'class').length, 2);
    assert.equal(ofKind('tc260', 'domain').length, 7);
    assert.equal(ofKind('tc260', 'risk').length, 26);
    assert.equal(ofKind('tc260', 'measure-group').length, 7);
    assert.equal(ofKind('tc260', 'measure').length, 21);
    assert.deepEqual(ids(ofKind('tc260', 'governance-measure')), Array.from({ length: 10 }, (_, i) => `tc260.5.${i + 1}`));
    assert.deepEqual(ids(ofKind('tc260', 'guideline-group')), ['tc260.6.1', 'tc260.6.2', 'tc260.6.3', 'tc260.6.4']);
    assert.deepEqual(
      ['tc260.6.1', 'tc260.6.2', 'tc260.6.3', 'tc260.6.4'].map((g) => reg.children(g).length),
      [10, 10, 9, 6],
    );
    assert.deepEqual(countBy(ofKind('tc260', 'risk'), (i) => i.parent!), {
      'tc260.3.1.1': 6, 'tc260.3.1.2': 4, 'tc260.3.1.3': 3,
      'tc260.3.2.1': 5, 'tc260.3.2.2': 3, 'tc260.3.2.3': 2, 'tc260.3.2.4': 3,
    });
    assert.deepEqual(countBy(ofKind('tc260', 'measure'), (i) => i.parent!), {
      'tc260.4.1.1': 2, 'tc260.4.1.2': 6, 'tc260.4.1.3': 4,
      'tc260.4.2.1': 2, 'tc260.4.2.2': 2, 'tc260.4.2.3': 3, 'tc260.4.2.4': 2,
    });
  });

  test('GB/T 45654 Appendix A: 5 classes, 31 risks (8/9/5/7/2)', () => {
    assert.deepEqual(ids(ofKind('gbt45654', 'class')), ['A.1', 'A.2', 'A.3', 'A.4', 'A.5'].map((c) => `gbt45654.${c}`));
    const risks = ofKind('gbt45654', 'risk');
    assert.equal(risks.length, 31);
    assert.deepEqual(countBy(risks, (i) => i.parent!.slice('gbt45654.'.length)), { 'A.1': 8, 'A.2': 9, 'A.3': 5, 'A.4': 7, 'A.5': 2 });
  });

  test('AILuminate: 12 hazards in 3 groups', () => {
    const hazards = ofKind('ailuminate', 'hazard');
    assert.equal(hazards.length, 12);
    assert.deepEqual(countBy(hazards, (i) => i.parent!), { 'ailuminate.physical': 5, 'ailuminate.non-physical': 5, 'ailuminate.contextual': 2 });
    for (const code of ['vcr', 'src', 'cse', 'ssh', 'iwp', 'ipv', 'dfm', 'ncr', 'hte', 'prv', 'sxc_prn', 'spc_ele', 'spc_fin', 'spc_hlt', 'spc_lgl'])
      assert.ok(reg.has(`ailuminate.${code}`), code);
  });

  test('OWASP LLM 2025: LLM01–LLM10; OWASP Agentic: ASI01–ASI10 and T1–T15', () => {
    assert.deepEqual(ids(reg.all('owasp-llm-2025')), Array.from({ length: 10 }, (_, i) => `owasp-llm-2025.LLM${String(i + 1).padStart(2, '0')}`));
    assert.equal(ofKind('owasp-agentic', 'risk').length, 10);
    assert.equal(ofKind('owasp-agentic', 'threat').length, 15);
    assert.ok(reg.has('owasp-agentic.ASI10') && reg.has('owasp-agentic.T15'));
  });

  test('NIST AI RMF: 4 functions, 19 categories, 72 subcategories (19/18/22/13)', () => {
    assert.deepEqual(ids(ofKind('nist-rmf', 'function')), ['GOVERN', 'MAP', 'MEASURE', 'MANAGE'].map((f) => `nist-rmf.${f}`));
    assert.equal(ofKind('nist-rmf', 'category').length, 19);
    const subs = ofKind('nist-rmf', 'subcategory');
    assert.equal(subs.length, 72);
    assert.deepEqual(countBy(subs, (i) => reg.ancestors(i.id).at(-1)!.code), { GOVERN: 19, MAP: 18, MEASURE: 22, MANAGE: 13 });
    assert.equal(reg.children('nist-rmf.MEASURE-2').length, 13);
  });

  test('NIST AI 600-1: 12 risks; ISO/IEC 42001: 9 areas, 38 controls; ATLAS: 16 tactics', () => {
    assert.equal(reg.all('nist-genai').length, 12);
    assert.ok(reg.has('nist-genai.confabulation'));
    assert.equal(ofKind('iso42001', 'control-area').length, 9);
    assert.equal(ofKind('iso42001', 'control').length, 38);
    assert.equal(ofKind('mitre-atlas', 'tactic').length, 16);
  });

  test('EU AI Act: 6 tiers, Art. 5 a–h, Annex III 1–8, key articles', () => {
    assert.deepEqual(
      ids(ofKind('eu-ai-act', 'tier')),
      ['prohibited', 'high-risk', 'limited-risk', 'minimal-risk', 'gpai', 'gpai-systemic'].map((t) => `eu-ai-act.tier.${t}`),
    );
    assert.deepEqual(ids(reg.children('eu-ai-act.art5')), 'abcdefgh'.split('').map((l) => `eu-ai-act.art5.${l}`));
    assert.deepEqual(ids(reg.children('eu-ai-act.annex3')), Array.from({ length: 8 }, (_, i) => `eu-ai-act.annex3.${i + 1}`));
    for (const n of [9, 10, 11, 12, 13, 14, 15, 50, 53, 55, 72, 73]) assert.ok(reg.has(`eu-ai-act.art${n}`), `art${n}`);
  });
});

describe('lookups', () => {
  test('sample ids exist with the expected names', () => {
    for (const id of ['tc260.3.1.1.b', 'tc260.4.1.1.b', 'tc260.5.3', 'tc260.6.2.f', 'gbt45654.A.1', 'gbt45654.A.1.a', 'ailuminate.vcr', 'owasp-llm-2025.LLM01', 'nist-rmf.MEASURE-2.7', 'iso42001.A.6.2.4'])
      assert.ok(reg.has(id), id);
    assert.equal(reg.item('tc260.3.1.1.b')!.name.zh, '偏见、歧视风险');
    assert.equal(reg.item('tc260.3.1.1.b')!.code, '3.1.1b');
    assert.equal(reg.item('tc260.5.3')!.name.zh, '完善人工智能数据安全和个人信息保护规范');
    assert.equal(reg.item('gbt45654.A.1.a')!.name.zh, '煽动颠覆国家政权、推翻社会主义制度');
    assert.equal(reg.item('owasp-llm-2025.LLM01')!.name.en, 'Prompt Injection');
    assert.equal(reg.item('nist-rmf.MEASURE-2.7')!.code, 'MEASURE 2.7');
    assert.equal(reg.item('iso42001.A.6.2.4')!.name.en, 'AI system verification and validation');
    assert.equal(reg.item('nope'), undefined);
    assert.equal(reg.has('tc260.3.1.1b'), false);
  });

  test('get, children, ancestors, descendants', () => {
    const t = reg.get('tc260')!;
    assert.equal(t.version, '1.0');
    assert.equal(t.files.length, 3);
    assert.equal(reg.get('nope'), undefined);
    assert.deepEqual(ids(reg.children('tc260.3.1')), ['tc260.3.1.1', 'tc260.3.1.2', 'tc260.3.1.3']);
    assert.deepEqual(ids(reg.children('gbt45654')), ['A.1', 'A.2', 'A.3', 'A.4', 'A.5'].map((c) => `gbt45654.${c}`));
    assert.deepEqual(reg.children('tc260.3.1.1.b'), []);
    assert.deepEqual(ids(reg.ancestors('tc260.3.1.1.b')), ['tc260.3.1.1', 'tc260.3.1', 'tc260.3']);
    assert.deepEqual(reg.ancestors('tc260.3'), []);
    assert.equal(reg.descendants('tc260.3').length, 2 + 7 + 26);
    assert.throws(() => reg.children('tc260.9.9'), /tc260\.9\.9/);
  });

  test('links are seen from both ends, crosswalk included', () => {
    const incoming = reg.links('tc260.4.1.2.c').filter((l) => l.direction === 'in');
    assert.deepEqual(incoming.map((l) => l.other).sort(), ['tc260.3.1.2.b', 'tc260.3.1.2.d']);
    assert.ok(incoming.every((l) => l.relation === 'mitigated-by' && l.verified === 'V' && l.origin === 'item'));
    const llm01 = reg.links('owasp-llm-2025.LLM01');
    assert.ok(llm01.some((l) => l.direction === 'in' && l.from === 'tc260.3.1.1.f' && l.origin === 'crosswalk' && l.verified === 'derived'));
    const out = reg.links('gbt45654.A.1.d').filter((l) => l.direction === 'out');
    assert.ok(out.some((l) => l.to === 'ailuminate.vcr'));
    assert.ok(out.some((l) => l.to === 'tc260.3.2.2.b'));
  });
});

describe('TC260 official mapping (A.8)', () => {
  const mapped = (risk: string, opts?: Parameters<TaxonomyRegistry['measuresFor']>[1]) => reg.measuresFor(risk, opts);

  test('measuresFor(tc260.3.1.2.d) gives 4.1.2(c)(d) and 5.3, verified', () => {
    const refs = mapped('tc260.3.1.2.d');
    for (const id of ['tc260.4.1.2.c', 'tc260.4.1.2.d', 'tc260.5.3'])
      assert.equal(refs.find((r) => r.id === id)?.verified, 'V', id);
    assert.ok(!refs.some((r) => r.id === 'tc260.4.1.2.a'));
    const strict = mapped('tc260.3.1.2.d', { includeDerived: false });
    assert.deepEqual(ids(strict), ['tc260.4.1.2.c', 'tc260.4.1.2.d', 'tc260.5.3']);
  });

  test('the whole official table', () => {
    const table: Record<string, string[]> = {
      '3.1.1.a': ['4.1.1.a', '5.4', '5.6'], '3.1.1.e': ['4.1.1.a', '4.1.1.b', '5.4', '5.6'],
      '3.1.2.b': ['4.1.2.b', '4.1.2.c', '4.1.2.d', '4.1.2.e', '4.1.2.f', '5.3'], '3.1.2.c': ['4.1.2.e', '5.3'],
      '3.1.3.a': ['4.1.3.a', '4.1.3.b', '5.5', '5.7'], '3.1.3.c': ['4.1.3.d', '5.5', '5.7'],
      '3.2.1.e': ['4.2.1.a', '4.2.1.b', '5.1', '5.2', '5.8', '5.9', '5.10'],
      '3.2.2.a': ['4.2.2.b', '5.1', '5.2', '5.8', '5.9', '5.10'],
      '3.2.3.b': ['4.2.3.a', '4.2.3.b', '4.2.3.c', '5.1', '5.2', '5.8', '5.9', '5.10'],
      '3.2.4.c': ['4.2.4.b', '5.1', '5.2', '5.8', '5.9', '5.10'],
    };
    for (const [risk, want] of Object.entries(table))
      assert.deepEqual(ids(mapped(`tc260.${risk}`, { includeDerived: false })), want.map((m) => `tc260.${m}`), risk);
    for (const risk of ofKind('tc260', 'risk')) {
      const official = mapped(risk.id, { includeDerived: false });
      const tech = official.filter((r) => r.item.kind === 'measure');
      assert.ok(tech.length > 0, risk.id);
      // 3.x.y is answered by 4.x.y
      assert.ok(tech.every((r) => r.item.parent === risk.parent!.replace('tc260.3.', 'tc260.4.')), risk.id);
      assert.ok(official.some((r) => r.item.kind === 'governance-measure'), risk.id);
    }
  });

  test('guideline links are derived only', () => {
    const refs = mapped('tc260.3.2.3.a');
    const guidelines = refs.filter((r) => r.item.kind === 'guideline');
    assert.ok(guidelines.length > 0);
    assert.ok(guidelines.every((r) => r.verified === 'derived'));
    for (const item of reg.all('tc260'))
      for (const l of reg.links(item.id))
        if (l.direction === 'out' && reg.item(l.to)!.kind === 'guideline') assert.equal(l.verified, 'derived');
  });

  test('non-TC260 risks reach TC260 measures through the crosswalk (derived)', () => {
    const refs = mapped('gbt45654.A.4.e');
    const m = refs.find((r) => r.id === 'tc260.4.1.2.a');
    assert.ok(m);
    assert.equal(m.verified, 'derived');
    assert.deepEqual(m.via, ['gbt45654.A.4.e', 'tc260.3.1.2.a', 'tc260.4.1.2.a']);
    assert.deepEqual(mapped('gbt45654.A.4.e', { includeDerived: false }), []);
    // A.2.* is mapped at class level and inherited by its items
    assert.ok(mapped('gbt45654.A.2.e').some((r) => r.id === 'tc260.4.2.4.a'));
    const withIso = mapped('owasp-llm-2025.LLM01', { taxonomies: ['tc260', 'iso42001'] });
    assert.ok(withIso.some((r) => r.id === 'tc260.4.1.1.b'));
    assert.ok(withIso.some((r) => r.id === 'iso42001.A.6.2.4'));
    assert.ok(withIso.findIndex((r) => r.item.taxonomy === 'iso42001') > withIso.findIndex((r) => r.item.taxonomy === 'tc260'));
  });
});

describe('search', () => {
  test('Chinese', () => {
    assert.equal(reg.search('数据泄露')[0]!.item.id, 'tc260.3.1.2.d');
    assert.ok(ids(reg.search('偏见').map((h) => h.item)).includes('tc260.3.1.1.b'));
    assert.equal(reg.search('宣扬恐怖主义', { taxonomy: 'gbt45654' })[0]!.item.id, 'gbt45654.A.1.d');
  });

  test('English, ids and codes, case-insensitive', () => {
    assert.equal(reg.search('prompt injection')[0]!.item.id, 'owasp-llm-2025.LLM01');
    assert.equal(reg.search('llm01')[0]!.item.id, 'owasp-llm-2025.LLM01');
    assert.equal(reg.search('MEASURE 2.7')[0]!.item.id, 'nist-rmf.MEASURE-2.7');
    assert.equal(reg.search('3.1.1b')[0]!.item.id, 'tc260.3.1.1.b');
    assert.equal(reg.search('tc260.6.2.f')[0]!.item.id, 'tc260.6.2.f');
    assert.equal(reg.search('VIOLENT CRIMES', { taxonomy: 'ailuminate' })[0]!.item.id, 'ailuminate.vcr');
  });

  test('filters and limit', () => {
    const hits = reg.search('data', { taxonomy: ['iso42001'], kind: 'control', limit: 3 });
    assert.equal(hits.length, 3);
    assert.ok(hits.every((h) => h.item.taxonomy === 'iso42001' && h.item.kind === 'control'));
    assert.deepEqual(reg.search('   '), []);
    assert.deepEqual(reg.search('zzzz-no-such-thing'), []);
  });
});

describe('assertKnown', () => {
  test('passes for known ids and names unknown ones with their index', () => {
    reg.assertKnown(['tc260.3.1.1.b', 'gbt45654.A.1']);
    assert.throws(
      () => reg.assertKnown(['tc260.3.1.1.b', 'tc260.9.9.z', 'ailuminate.vcr', 'TC260.3.1.1b']),
      (err: Error) => {
        assert.match(err.message, /\[1\]: unknown taxonomy id "tc260\.9\.9\.z"/);
        assert.match(err.message, /\[3\]: unknown taxonomy id "TC260\.3\.1\.1b" \(did you mean "tc260\.3\.1\.1\.b"\?\)/);
        assert.doesNotMatch(err.message, /\[0\]|\[2\]/);
        return true;
      },
    );
  });
});

describe('broken data is rejected with file and path', () => {
  const tax = (over: Record<string, unknown> = {}) => ({
    id: 'demo',
    version: '1',
    name: { zh: '演示', en: 'Demo' },
    description: { zh: '演示', en: 'Demo' },
    source: { title: 'Demo', issuer: 'Us', date: '2025', citation: 'Demo 1' },
    items: [
      { id: 'demo.1', kind: 'class', code: '1', name: { zh: '一', en: 'One' }, verified: 'V' },
      { id: 'demo.1.a', parent: 'demo.1', kind: 'risk', code: '1a', name: { zh: '甲', en: 'A' }, verified: 'V' },
    ],
    ...over,
  });

  function expectError(files: Record<string, unknown>, ...patterns: RegExp[]) {
    const dir = mkdtempSync(join(tmpdir(), 'zh-tax-'));
    try {
      for (const [name, content] of Object.entries(files))
        writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      assert.throws(
        () => loadTaxonomies(dir),
        (err: unknown) => {
          assert.ok(err instanceof TaxonomyLoadError, String(err));
          for (const p of patterns) assert.match(err.message, p);
          return true;
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('a valid temp dir loads (control case)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zh-tax-'));
    try {
      writeFileSync(join(dir, 'demo.json'), JSON.stringify(tax()));
      writeFileSync(join(dir, 'demo.part-2.yaml'), 'extends: demo\nitems:\n  - {id: demo.2, kind: class, code: "2", name: {zh: 二, en: Two}, verified: U}\n');
      const r = loadTaxonomies(dir);
      assert.deepEqual(ids(r.all('demo')), ['demo.1', 'demo.1.a', 'demo.2']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('missing required field', () => {
    const t = tax();
    (t.items as { name: Record<string, string> }[])[1]!.name = { en: 'A' };
    expectError({ 'demo.json': t }, /demo\.json: items\[1\]\.name\.zh: required \(item demo\.1\.a\)/);
  });

  test('unknown key and bad evidence tag', () => {
    const t = tax();
    (t.items as Record<string, unknown>[])[0]!.colour = 'red';
    (t.items as Record<string, unknown>[])[1]!.verified = 'maybe';
    expectError({ 'demo.json': t }, /demo\.json: items\[0\]\.colour: unknown key/, /demo\.json: items\[1\]\.verified: /);
  });

  test('duplicate ids, missing parent, wrong prefix', () => {
    const t = tax();
    const items = t.items as Record<string, unknown>[];
    items.push({ id: 'demo.1.a', kind: 'risk', code: '1a', name: { zh: '甲', en: 'A' }, verified: 'V' });
    items.push({ id: 'demo.3.a', parent: 'demo.3', kind: 'risk', code: '3a', name: { zh: '丙', en: 'C' }, verified: 'V' });
    items.push({ id: 'other.x', kind: 'risk', code: 'x', name: { zh: '乙', en: 'X' }, verified: 'V' });
    expectError(
      { 'demo.json': t },
      /demo\.json: items\[2\]\.id: duplicate id "demo\.1\.a" \(first defined in .*demo\.json: items\[1\]\)/,
      /demo\.json: items\[3\]\.parent: unknown parent: unknown id "demo\.3"/,
      /demo\.json: items\[4\]\.id: id "other\.x" must start with "demo\."/,
    );
  });

  test('parent in another taxonomy, link to unknown id, unknown crosswalk id', () => {
    const other = tax({
      id: 'other',
      items: [
        { id: 'other.1', parent: 'demo.1', kind: 'risk', code: '1', name: { zh: '一', en: 'One' }, verified: 'V',
          links: [{ to: ['demo.1.a', 'demo.9'], relation: 'related', verified: 'derived' }] },
      ],
    });
    const cw = { id: 'crosswalk', version: '1', name: { zh: '映射', en: 'Map' }, description: { zh: '映射', en: 'Map' },
      links: [{ from: 'demo.1.a', to: ['other.1', 'other.404'], relation: 'related', verified: 'derived' }] };
    expectError(
      { 'demo.json': tax(), 'other.json': other, 'crosswalk.json': cw },
      /other\.json: items\[0\]\.parent: parent "demo\.1" is in taxonomy "demo", not "other"/,
      /other\.json: items\[0\]\.links\[0\]\.to\[1\]: link to unknown id "demo\.9"/,
      /crosswalk\.json: links\[0\]\.to\[1\]: unknown id "other\.404"/,
    );
  });

  test('syntax errors name the file', () => {
    expectError({ 'demo.json': '{ "id": "demo", ' }, /demo\.json: cannot parse/);
    expectError({ 'demo.yaml': 'id: demo\n  bad: [\n' }, /demo\.yaml: cannot parse: .*line \d+/);
  });
});
