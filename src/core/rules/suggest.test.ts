import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SystemAttributesSchema, type SystemAttributesInput } from '../system.ts';
import { ImpactSchema } from '../risk.ts';
import { classify, defaultRules, suggestRisks, type Suggestion } from './index.ts';

const rules = defaultRules();
const suggest = (a: Partial<SystemAttributesInput>) => {
  const attrs = SystemAttributesSchema.parse({ name: 's', owner: 'o', domain: 'general', population: 'internal', ...a });
  return suggestRisks(attrs, classify(attrs, rules), rules);
};
const byPrimary = (s: Suggestion[]) => new Map(s.map((x) => [x.taxonomyIds[0]!, x]));
const has = (s: Suggestion[], primary: string, ...also: string[]) => {
  const x = byPrimary(s).get(primary);
  assert.ok(x, `expected a suggestion for ${primary}; got ${s.map((y) => y.taxonomyIds[0]).join(', ')}`);
  for (const id of also) assert.ok(x.taxonomyIds.includes(id), `${primary} should include ${id}`);
  return x;
};

test('generative text: hallucination, harmful content, prompt injection', () => {
  const s = suggest({ population: 'public', capabilities: ['text-generation'] });
  has(s, 'tc260.3.1.1.e', 'owasp-llm-2025.LLM09');
  has(s, 'tc260.3.2.1.a', 'gbt45654.A.1');
  has(s, 'tc260.3.1.1.f', 'owasp-llm-2025.LLM01');
  has(s, 'tc260.3.2.1.b'); // content for the public → unlabelled content
});

test('RAG: data leakage; tool-use/agent: excessive agency and loss of control', () => {
  const rag = suggest({ capabilities: ['rag', 'text-generation'], dataCategories: ['personal'] });
  const leak = has(rag, 'tc260.3.1.2.d', 'owasp-llm-2025.LLM02', 'owasp-llm-2025.LLM08', 'gbt45654.A.4.f');
  assert.equal(leak.reasons.length, 2, 'generic and personal-data rules merged');
  assert.equal(leak.reasons[0]!.ruleId, 'sugg.rag-personal-leakage');
  has(rag, 'tc260.3.1.2.a'); // personal data → illegal collection
  const agent = suggest({ capabilities: ['agent', 'tool-use'], autonomyLevel: 'L3' });
  has(agent, 'tc260.3.2.2.a', 'owasp-llm-2025.LLM06');
  has(agent, 'tc260.3.2.4.c');
  assert.ok(!byPrimary(suggest({ capabilities: ['agent'], autonomyLevel: 'L2' })).has('tc260.3.2.4.c'), 'loss of control needs L3+');
});

test('finance and medical: unreliable output with financial / people-safety impact; fraud', () => {
  const bank = suggest({ domain: 'finance', population: 'public', capabilities: ['rag', 'text-generation'], dataCategories: ['personal', 'financial'], jurisdictions: ['cn'] });
  const unreliable = has(bank, 'tc260.3.1.1.e', 'ailuminate.spc_fin', 'owasp-llm-2025.LLM09');
  assert.equal(unreliable.title.en, 'Unreliable financial information or advice causes customers financial loss');
  assert.ok((unreliable.impact.financial ?? 0) >= 4);
  has(bank, 'tc260.3.2.2.b');
  const hospital = suggest({ domain: 'medical', population: 'public', capabilities: ['rag', 'text-generation'] });
  const med = has(hospital, 'tc260.3.1.1.e', 'gbt45654.A.5.a', 'ailuminate.spc_hlt');
  assert.equal(med.impact.peopleSafety, 5);
  assert.equal(med.likelihood, 4, 'patient-facing raises the likelihood (max of merged rules)');
  assert.deepEqual(med.reasons.map((r) => r.ruleId), ['sugg.medical-unreliable-public', 'sugg.medical-unreliable', 'sugg.hallucination']);
  assert.match(med.because.en, /domain=medical and population=public/);
  assert.match(med.because.zh, /领域=医疗 且 用户群体=公众/);
  assert.ok(med.because.en.includes('; '), 'merged reasons joined');
});

test('minors and companionship: mental health and addiction', () => {
  const s = suggest({ population: 'public', capabilities: ['companionship', 'text-generation'], dataCategories: ['minors'] });
  has(s, 'gbt45654.A.4.a');
  has(s, 'nist-genai.human-ai-configuration');
});

test('code generation, open-source models, bias, dual use', () => {
  const code = suggest({ capabilities: ['code-generation'], models: [{ name: 'x', source: 'open-source' }] });
  has(code, 'tc260.3.2.1.d');
  has(code, 'tc260.3.1.3.c', 'owasp-llm-2025.LLM03');
  has(code, 'tc260.3.1.3.a');
  has(code, 'tc260.3.2.1.e');
  const hiring = suggest({ domain: 'employment', capabilities: ['automated-decision'], jurisdictions: ['eu'] });
  has(hiring, 'tc260.3.1.1.b', 'tc260.3.2.4.a');
  const credit = suggest({ domain: 'finance', capabilities: ['decision-support'] });
  has(credit, 'tc260.3.1.1.b');
  has(suggest({ domain: 'general', organisationRole: 'technology-provider', capabilities: ['text-generation'] }), 'tc260.3.2.2.c');
});

test('suggestions are deduplicated by primary id with valid levels and impacts', () => {
  const s = suggest({
    domain: 'medical', population: 'minors', capabilities: ['rag', 'text-generation', 'image-generation', 'agent', 'tool-use', 'code-generation', 'companionship', 'recommendation', 'decision-support'],
    dataCategories: ['health', 'minors', 'personal'], models: [{ name: 'x', source: 'open-source' }, { name: 'y', source: 'third-party-api' }], autonomyLevel: 'L3',
  });
  const primaries = s.map((x) => x.taxonomyIds[0]);
  assert.equal(new Set(primaries).size, primaries.length);
  for (const x of s) {
    assert.ok(x.likelihood >= 1 && x.likelihood <= 5);
    assert.ok(ImpactSchema.safeParse(x.impact).success);
    assert.equal(new Set(x.taxonomyIds).size, x.taxonomyIds.length);
    assert.ok(x.title.zh && x.title.en && x.because.zh && x.because.en);
    assert.equal(x.reasons[0]!.ruleId, x.ruleId);
  }
});

test('an internal tool with no notable capability gets no suggestions', () => {
  assert.deepEqual(suggest({ capabilities: ['content-moderation'] }), []);
});
