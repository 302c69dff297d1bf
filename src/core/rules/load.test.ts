import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZonghengError } from '../errors.ts';
import { DEFAULT_RULES_DIR, defaultRules, listRuleIds, loadRules, RULE_FILES } from './index.ts';

/** Copies data/rules to a temp dir, applies an edit to one file and loads it. */
function loadEdited(file: string, edit: (text: string) => string, opts?: Parameters<typeof loadRules>[1]) {
  const dir = mkdtempSync(join(tmpdir(), 'zh-rules-'));
  try {
    cpSync(DEFAULT_RULES_DIR, dir, { recursive: true });
    const p = join(dir, file);
    const before = readFileSync(p, 'utf8');
    const after = edit(before);
    assert.notEqual(after, before, 'the edit must change the file');
    writeFileSync(p, after);
    return loadRules(dir, opts);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
function rejects(file: string, edit: (text: string) => string, expected: RegExp) {
  assert.throws(
    () => loadEdited(file, edit),
    (e: unknown) => {
      assert.ok(e instanceof ZonghengError, String(e));
      assert.equal(e.code, 'validation_failed');
      assert.match(e.message, expected);
      assert.ok(e.detail.issues?.length, 'issues listed');
      return true;
    },
  );
}
const sub = (from: string | RegExp, to: string) => (t: string) => t.replace(from, to);

test('the shipped rules load, with every file hashed into the version', () => {
  const r = loadRules();
  assert.ok(r.classification.rules.length > 40);
  assert.ok(r.suggestions.length >= 20);
  assert.ok(r.riskEvaluation.priorityRules.length >= 3);
  assert.ok(r.evidence.rules.length >= 6);
  assert.match(r.version, /^sha256:[0-9a-f]{16}$/);
  assert.equal(loadRules().version, r.version, 'deterministic');
  const edited = loadEdited(RULE_FILES.suggestions, (t) => `${t}\n# a comment\n`);
  assert.notEqual(edited.version, r.version);
  assert.equal(edited.classification.version, r.classification.version, 'classification version ignores other files');
  assert.notEqual(loadEdited(RULE_FILES.vocabulary, (t) => `${t}\n# x\n`).classification.version, r.classification.version);
  assert.notEqual(loadEdited(RULE_FILES.obligations, (t) => `${t}\n# x\n`).classification.version, r.classification.version);
});

test('defaultRules is memoised', () => {
  assert.equal(defaultRules(), defaultRules());
});

test('malformed rules are rejected with file, line and path', () => {
  rejects(RULE_FILES.classification, sub('{ field: domain, equals: medical }', '{ field: domian, equals: medical }'), /classification\.yaml:\d+ rules\[\d+\]\.when\.all\[0\]\.field: unknown field "domian"/);
  rejects(RULE_FILES.classification, sub('- { field: capabilities, includesAny: [emotion-recognition] }', '- { field: capabilities, includesAny: [emotion-recognitoin] }'), /classification\.yaml:\d+ rules\[\d+\]\.when\.all\[0\]\.includesAny\[0\]: "emotion-recognitoin" is not a value of capabilities/);
  rejects(RULE_FILES.classification, sub('    grade: critical\n', '    grde: critical\n'), /classification\.yaml:\d+ rules\[\d+\]: Unrecognized key: "grde"/);
  rejects(RULE_FILES.classification, sub('{ field: population, equals: minors }', '{ field: population, gte: minors }'), /operator "gte" does not apply to enum field "population"/);
  rejects(RULE_FILES.classification, sub('{ field: domain, equals: education }', '{ field: domain, equals: education, in: [medical] }'), /needs exactly one operator/);
  rejects(RULE_FILES.classification, sub('obligations: [tc260.compute]', 'obligations: [tc260.computer]'), /rules\[\d+\]\.obligations\[0\]: no obligation "tc260.computer"/);
  rejects(RULE_FILES.classification, sub('- id: grade.minors\n', '- id: grade.personal-data\n'), /rules\[\d+\]\.id: duplicate id "grade.personal-data"/);
  rejects(RULE_FILES.classification, sub('when: { field: euAiActTier, equals: high-risk }\n    grade: high', 'when: { field: grade, equals: high-risk }\n    grade: high'), /"high-risk" is not a value of grade/);
  rejects(RULE_FILES.classification, sub('when: { field: euAiActTier, equals: high-risk }\n    grade: high', 'when: { field: grade, equals: medium }\n    grade: high'), /"grade" is derived after this rule's effects/);
  rejects(RULE_FILES.obligations, sub('controlIds: [tc260.4.1.3.c]', 'controlIds: [tc260-4.1.3.c]'), /obligations\.yaml:\d+ obligations\[\d+\]\.controlIds\[0\]: a taxonomy id is <family>\.<item>/);
  rejects(RULE_FILES.obligations, sub('  - id: tc260.compute\n', '  - id: tc260.compute-platform\n'), /obligations\.yaml:\d+ obligations\[\d+\]\.id: obligation "tc260.compute-platform" is not used/);
  rejects(RULE_FILES.classification, sub('euAiActTierOrder: [minimal-risk,', 'euAiActTierOrder: [limited-risk,'), /euAiActTierOrder: list each tier once/);
  rejects(RULE_FILES.suggestions, sub('likelihood: 4\n', 'likelihood: 6\n'), /suggestions\.yaml:\d+ rules\[0\]\.likelihood/);
  rejects(RULE_FILES.suggestions, sub('impact: { peopleSafety: 5, legal: 4, reputation: 4 }', 'impact: {}'), /suggestions\.yaml:\d+ rules\[0\]\.impact: give at least one impact dimension/);
  rejects(RULE_FILES.riskEvaluation, sub(/  - id: prio\.low\.default\n    priority: low\n/, '  - id: prio.low.default\n    priority: low\n    when: { field: score, lte: 25 }\n'), /risk-evaluation\.yaml:\d+ priorityRules\[5\]: the last priority rule must have no `when`/);
  rejects(RULE_FILES.riskEvaluation, sub('{ field: ratio, gt: 1 }', '{ field: ratio, gt: "1" }'), /"ratio" compares with numbers/);
  rejects(RULE_FILES.evidence, sub('{ type: mark-controls, status: implemented, controlIds: controlsImplemented }', '{ type: mark-controls, status: implemented, controlIds: measures }'), /evidence\.yaml:\d+ rules\[\d+\]\.effects\[0\]: "measures" needs on: category or on: finding/);
  rejects(RULE_FILES.evidence, sub('missed by {missPoints} points"', 'missed by {missingPoints} points"'), /rules\[1\]\.because\.en: unknown placeholder \{missingPoints\}/);
  rejects(RULE_FILES.evidence, sub('sourceByKind:\n  evaluation: evaluation\n', 'sourceByKind:\n  evaluation: evaluatoin\n'), /evidence\.yaml:\d+ sourceByKind\.evaluation/);
  rejects(RULE_FILES.vocabulary, sub(/    medical: \{ zh: 医疗, en: medical \}\n/, ''), /vocabulary\.yaml:\d+ values\.domain: missing label for domain value "medical"/);
  rejects(RULE_FILES.vocabulary, sub('grade: { zh: "等级为{value}', 'grade: { zh: "等级为{valeu}'), /vocabulary\.yaml:\d+ reasons\.grade\.zh: unknown placeholder \{valeu\}/);
});

test('YAML syntax errors and missing files name the file', () => {
  rejects(RULE_FILES.evidence, sub('version: 1\n', 'version: 1\nmetrics: [\n'), /evidence\.yaml(:\d+)? \(yaml\)/);
  assert.throws(() => loadRules(join(tmpdir(), 'zh-no-such-rules-dir')), /vocabulary\.yaml \(file\): cannot read/);
});

test('knownIds: unknown taxonomy ids are reported with file and path', () => {
  const known = (id: string) => id !== 'tc260.4.1.3.c' && id !== 'ailuminate.spc_lgl';
  assert.throws(
    () => loadRules(undefined, { knownIds: known }),
    (e: unknown) => {
      assert.ok(e instanceof ZonghengError);
      assert.match(e.message, /obligations\.yaml:\d+ obligations\[\d+\]\.controlIds\[0\]: unknown taxonomy id "tc260\.4\.1\.3\.c"/);
      assert.match(e.message, /suggestions\.yaml:\d+ rules\[\d+\]\.taxonomyIds\[2\]: unknown taxonomy id "ailuminate\.spc_lgl"/);
      return true;
    },
  );
  const collected = defaultRules({ knownIds: known, onUnknownId: 'collect' });
  assert.deepEqual([...new Set(collected.unknownIds.map((u) => u.id))].sort(), ['ailuminate.spc_lgl', 'tc260.4.1.3.c']);
  for (const u of collected.unknownIds) {
    assert.ok(u.file.endsWith('.yaml') && u.path && u.line, JSON.stringify(u));
  }
  assert.deepEqual(defaultRules({ knownIds: () => true }).unknownIds, []);
});

test('every id the rules mention exists in the taxonomy registry', async (t) => {
  let registry: { has(id: string): boolean };
  try {
    const mod = await import('../taxonomy/index.ts');
    registry = mod.defaultTaxonomies();
  } catch (e) {
    t.skip(`taxonomy registry not available: ${(e as Error).message}`);
    return;
  }
  const rules = defaultRules({ knownIds: (id) => registry.has(id), onUnknownId: 'collect' });
  assert.deepEqual(rules.unknownIds, []);
  assert.ok(listRuleIds(rules).length > 100);
});
