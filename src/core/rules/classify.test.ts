import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SystemAttributesSchema, type Classification, type SystemAttributesInput } from '../system.ts';
import { classify, defaultRules, diffMajorChange, requiredControlIds } from './index.ts';

const rules = defaultRules();
const sys = (a: Partial<SystemAttributesInput>) =>
  SystemAttributesSchema.parse({ name: 'test system', owner: 'owner', domain: 'general', population: 'internal', ...a });
const ids = (c: Classification) => c.obligations.map((o) => o.id);
const frameworks = (c: Classification) => new Set(c.obligations.map((o) => o.framework));

const bank = sys({
  name: 'Bank customer-service assistant', domain: 'finance', population: 'public', autonomyLevel: 'L2',
  capabilities: ['rag', 'text-generation'], dataCategories: ['personal', 'financial'], jurisdictions: ['cn'],
  models: [{ name: 'qwen2.5-72b', version: '2.5', source: 'open-source' }],
});

test('bank customer-service assistant: high grade, finance level L2, GB/T 45654 and GB 45438 obligations', () => {
  const c = classify(bank, rules);
  assert.equal(c.grade, 'high');
  assert.equal(c.financeAutonomyLevel, 'L2');
  assert.ok(c.financeAutonomyReasons.length > 0);
  assert.equal(c.euAiActTier, null, 'no EU tier outside the EU');
  assert.deepEqual(c.euAiActReasons, []);
  assert.ok(frameworks(c).has('GB/T 45654-2025'));
  assert.ok(frameworks(c).has('GB 45438-2025'));
  for (const id of ['gbt45654.keyword-library', 'gbt45654.test-banks', 'gbt45654.refusal-tests', 'gbt45654.security-assessment', 'gb45438.explicit-labels', 'gb45438.implicit-labels']) {
    assert.ok(ids(c).includes(id), `missing ${id}`);
  }
  assert.ok(c.rulesVersion.startsWith('sha256:'));
});

test('reasons name the matched attributes in both languages', () => {
  const c = classify(bank, rules);
  const r = c.gradeReasons.find((x) => x.ruleId === 'grade.key-domain-public');
  assert.ok(r, 'key-domain-public reason');
  assert.equal(r.because.en, 'grade high because domain=finance and population=public');
  assert.equal(r.because.zh, '等级为高，因为 领域=金融 且 用户群体=公众');
  const fin = c.financeAutonomyReasons.find((x) => x.ruleId === 'finance.declared-L2')!;
  assert.match(fin.because.en, /domain=finance and autonomy level=L2/);
  assert.match(fin.because.zh, /领域=金融 且 自主等级=L2/);
  const labelling = c.obligations.find((o) => o.id === 'gb45438.explicit-labels')!;
  assert.match(labelling.reason.because.en, /jurisdictions include cn and population=public and capabilities include text-generation/);
  assert.match(labelling.reason.because.zh, /适用法域包含中国 且 用户群体=公众 且 能力包含文本生成/);
});

test('obligations and control ids are deduplicated', () => {
  const c = classify(bank, rules);
  assert.equal(new Set(ids(c)).size, ids(c).length);
  for (const o of c.obligations) assert.equal(new Set(o.controlIds).size, o.controlIds.length);
  const all = requiredControlIds(c);
  assert.equal(new Set(all).size, all.length);
  assert.ok(all.includes('tc260.4.1.3.a'));
});

test('hospital RAG assistant: clinicians (business) and patients (public)', () => {
  const base: Partial<SystemAttributesInput> = { domain: 'medical', capabilities: ['rag', 'text-generation'], dataCategories: ['health', 'proprietary'], jurisdictions: ['cn'] };
  const clinicians = classify(sys({ ...base, population: 'business' }), rules);
  const patients = classify(sys({ ...base, population: 'public' }), rules);
  assert.equal(clinicians.grade, 'high');
  assert.deepEqual(clinicians.gradeReasons.map((r) => r.ruleId), ['grade.key-domain-sensitive-data']);
  assert.ok(!frameworks(clinicians).has('GB/T 45654-2025'), 'not a public service');
  assert.ok(!frameworks(clinicians).has('GB 45438-2025'));
  assert.equal(patients.grade, 'high');
  assert.ok(patients.gradeReasons.some((r) => r.ruleId === 'grade.key-domain-public'));
  assert.ok(ids(patients).includes('gbt45654.key-setting-protection'));
  assert.ok(ids(patients).includes('gb45438.explicit-labels'));
  // Without health data and for clinicians only, the key domain alone gives medium.
  const plain = classify(sys({ ...base, population: 'business', dataCategories: ['proprietary'] }), rules);
  assert.equal(plain.grade, 'medium');
  assert.equal(plain.financeAutonomyLevel, null, 'finance level only for finance');
});

test('internal coding assistant: low/medium, no public labelling obligation', () => {
  const c = classify(
    sys({ domain: 'software-engineering', population: 'internal', autonomyLevel: 'L2', capabilities: ['code-generation'], dataCategories: ['source-code'], jurisdictions: ['cn'], models: [{ name: 'deepseek-coder', source: 'open-source' }] }),
    rules,
  );
  assert.ok(['low', 'medium'].includes(c.grade), c.grade);
  assert.equal(c.grade, 'low');
  assert.equal(c.gradeReasons[0]!.ruleId, 'defaults.grade');
  assert.ok(!ids(c).some((id) => id.startsWith('gb45438.')));
  assert.ok(!ids(c).some((id) => id.startsWith('gbt45654.')));
  assert.ok(ids(c).includes('tc260.supply-chain'), 'open-source model → supply chain');
  // With credentials in scope it becomes medium.
  const secrets = classify(sys({ domain: 'software-engineering', capabilities: ['code-generation'], dataCategories: ['source-code', 'credentials'] }), rules);
  assert.equal(secrets.grade, 'medium');
});

test('AI companion for the public including minors: critical', () => {
  const c = classify(
    sys({ domain: 'social', population: 'public', capabilities: ['companionship', 'text-generation'], dataCategories: ['personal', 'minors'], jurisdictions: ['cn'] }),
    rules,
  );
  assert.equal(c.grade, 'critical');
  assert.ok(c.gradeReasons.some((r) => r.ruleId === 'grade.companion-minors'));
  assert.ok(ids(c).includes('gbt45654.minors-protection'));
  assert.ok(!ids(c).includes('gbt45654.minors-exclusion'));
  assert.ok(ids(c).includes('tc260.user-wellbeing'));
  const minorsOnly = classify(sys({ domain: 'education', population: 'minors', capabilities: ['companionship'] }), rules);
  assert.equal(minorsOnly.grade, 'critical');
  const adults = classify(sys({ domain: 'social', population: 'public', capabilities: ['companionship', 'text-generation'], jurisdictions: ['cn'] }), rules);
  assert.equal(adults.grade, 'high');
  assert.ok(ids(adults).includes('gbt45654.minors-exclusion'));
});

test('EU high-risk: CV screening with automated decisions', () => {
  const c = classify(sys({ domain: 'employment', population: 'business', capabilities: ['automated-decision'], dataCategories: ['personal'], jurisdictions: ['eu'] }), rules);
  assert.equal(c.euAiActTier, 'high-risk');
  assert.equal(c.euAiActReasons[0]!.ruleId, 'eu.annex3.4-employment');
  assert.match(c.euAiActReasons[0]!.because.en, /^EU AI Act tier high-risk because jurisdictions include eu and domain=employment and capabilities include automated-decision/);
  assert.match(c.euAiActReasons[0]!.because.zh, /适用法域包含欧盟 且 领域=就业与人力资源 且 能力包含自动化决策/);
  assert.equal(c.grade, 'high');
  const hr = c.obligations.find((o) => o.id === 'eu-ai-act.high-risk-requirements')!;
  assert.deepEqual(hr.controlIds, ['eu-ai-act.art9', 'eu-ai-act.art10', 'eu-ai-act.art11', 'eu-ai-act.art12', 'eu-ai-act.art13', 'eu-ai-act.art14', 'eu-ai-act.art15']);
  assert.ok(!ids(c).some((id) => id.startsWith('gbt45654.')), 'no China duties for an EU-only system');
});

test('EU prohibited: emotion recognition in employment and in education', () => {
  for (const domain of ['employment', 'education'] as const) {
    const c = classify(sys({ domain, population: domain === 'education' ? 'minors' : 'business', capabilities: ['emotion-recognition'], jurisdictions: ['eu'] }), rules);
    assert.equal(c.euAiActTier, 'prohibited', domain);
    assert.deepEqual(c.euAiActReasons.map((r) => r.ruleId), ['eu.art5f-emotion-work-education']);
    assert.equal(c.grade, 'critical');
    assert.ok(ids(c).includes('eu-ai-act.art5-prohibited'));
    assert.ok(!ids(c).includes('eu-ai-act.high-risk-requirements'), 'prohibited, not high-risk');
  }
  const scoring = classify(sys({ domain: 'government', population: 'public', capabilities: ['profiling'], jurisdictions: ['eu'], tags: ['social-scoring'] }), rules);
  assert.equal(scoring.euAiActTier, 'prohibited');
  assert.match(scoring.euAiActReasons[0]!.because.en, /tags include social-scoring/);
});

test('EU tiers: limited-risk chatbot, minimal default, GPAI, systemic GPAI; most severe wins', () => {
  const chat = classify(sys({ domain: 'retail', population: 'public', capabilities: ['text-generation'], jurisdictions: ['eu', 'cn'] }), rules);
  assert.equal(chat.euAiActTier, 'limited-risk');
  assert.ok(ids(chat).includes('eu-ai-act.art50-transparency'));
  assert.ok(ids(chat).includes('tc260.cross-border'));
  const plain = classify(sys({ domain: 'manufacturing', capabilities: ['decision-support'], jurisdictions: ['eu'] }), rules);
  assert.equal(plain.euAiActTier, 'minimal-risk');
  assert.equal(plain.euAiActReasons[0]!.ruleId, 'defaults.euAiActTier');
  assert.match(plain.euAiActReasons[0]!.because.en, /jurisdictions include eu/);
  const gpai = classify(sys({ domain: 'general', organisationRole: 'technology-provider', capabilities: ['text-generation'], jurisdictions: ['eu'] }), rules);
  assert.equal(gpai.euAiActTier, 'gpai');
  assert.ok(ids(gpai).includes('eu-ai-act.art53-gpai'));
  const systemic = classify(sys({ domain: 'general', organisationRole: 'both', capabilities: ['text-generation'], jurisdictions: ['eu'], tags: ['gpai-systemic'] }), rules);
  assert.equal(systemic.euAiActTier, 'gpai-systemic');
  assert.ok(ids(systemic).includes('eu-ai-act.art53-gpai') && ids(systemic).includes('eu-ai-act.art55-systemic'));
  // Biometric identification in a chatbot: high-risk beats limited-risk.
  const bio = classify(sys({ domain: 'retail', population: 'public', capabilities: ['text-generation', 'biometric-identification'], jurisdictions: ['eu'] }), rules);
  assert.equal(bio.euAiActTier, 'high-risk');
  assert.ok(ids(bio).includes('eu-ai-act.art50-transparency'), 'Art. 50 alongside high-risk');
});

test('finance autonomy levels L1–L4 are derived explainably', () => {
  const fin = (a: Partial<SystemAttributesInput>) => classify(sys({ domain: 'finance', population: 'internal', ...a }), rules);
  assert.equal(fin({ capabilities: ['code-generation'] }).financeAutonomyLevel, 'L1');
  assert.equal(fin({ capabilities: ['decision-support'] }).financeAutonomyLevel, 'L2');
  const credit = fin({ capabilities: ['automated-decision'], autonomyLevel: 'L2' });
  assert.equal(credit.financeAutonomyLevel, 'L3');
  assert.match(credit.financeAutonomyReasons[0]!.because.en, /capabilities include automated-decision/);
  assert.equal(credit.grade, 'high');
  const trader = fin({ capabilities: ['automated-decision', 'agent'], autonomyLevel: 'L3', dataCategories: ['financial'] });
  assert.equal(trader.financeAutonomyLevel, 'L4');
  assert.equal(trader.grade, 'critical');
  assert.deepEqual(trader.financeAutonomyReasons.map((r) => r.ruleId), ['finance.end-to-end']);
});

test('key domains with L4 autonomy are critical; automated infrastructure control is critical', () => {
  assert.equal(classify(sys({ domain: 'government', autonomyLevel: 'L4', capabilities: ['decision-support'] }), rules).grade, 'critical');
  const grid = classify(sys({ domain: 'energy', autonomyLevel: 'L3', capabilities: ['agent', 'tool-use'], jurisdictions: ['eu'] }), rules);
  assert.equal(grid.grade, 'critical');
  assert.equal(grid.euAiActTier, 'high-risk');
});

test('classification is deterministic and its version tracks the rule files', () => {
  assert.deepEqual(classify(bank, rules), classify(bank, rules));
  assert.equal(classify(bank, rules).rulesVersion, rules.classification.version);
});

test('diffMajorChange reports models (name+version+source), domain and population', () => {
  const a = sys({ domain: 'finance', population: 'public', models: [{ name: 'm', version: '1', source: 'open-source' }, { name: 'n' }] });
  assert.deepEqual(diffMajorChange(a, a), []);
  assert.deepEqual(diffMajorChange(a, { ...a, models: [...a.models].reverse() }), [], 'order does not matter');
  assert.deepEqual(diffMajorChange(a, { ...a, models: [{ name: 'm', version: '2', source: 'open-source' }, { name: 'n', source: 'third-party-api' }] }), ['models']);
  assert.deepEqual(diffMajorChange(a, { ...a, models: [{ name: 'm', version: '1', source: 'fine-tuned' }, { name: 'n', source: 'third-party-api' }] }), ['models']);
  assert.deepEqual(diffMajorChange(a, { ...a, domain: 'medical', population: 'business' }), ['domain', 'population']);
  const minor = sys({ domain: 'finance', population: 'public', models: a.models, userCount: 5, capabilities: ['rag'] });
  assert.deepEqual(diffMajorChange(a, minor), []);
});
