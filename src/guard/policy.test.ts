import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy, GuardPolicyError } from './policy.ts';
import { createGuard } from './guard.ts';
import { compileUserRegex, RegexPatternError } from './scanners.ts';

function issuesOf(yaml: string): string[] {
  try { parsePolicy(yaml); } catch (e) { if (e instanceof GuardPolicyError) return e.issues.map((i) => `${i.path}: ${i.message}`); throw e; }
  return [];
}

test('policy validation errors name the field', () => {
  const base = 'name: p\nversion: 1\n';
  assert.deepEqual(issuesOf(`${base}input:
  - { type: pii, action: mask }
  - { type: keyword, action: flag, terms: [{ term: x }] }
  - { type: classifier, model: injection, action: block, threshold: 1.5 }
`), ['input[2].threshold: must be between 0 and 1']);
  assert.deepEqual(issuesOf(`${base}input:\n  - { type: keyword, action: explode }\n`), ['input[0].action: must be one of allow, block, mask, flag, confirm']);
  assert.deepEqual(issuesOf(`${base}output:\n  - { type: pii, action: mask, entities: [phone, shoe_size] }\n`)[0]?.startsWith('output[0].entities[1]: must be one of'), true);
  assert.deepEqual(issuesOf(`${base}input:\n  - { type: magic, action: block }\n`)[0]?.startsWith('input[0].type'), true);
  assert.deepEqual(issuesOf(`${base}input:\n  - { type: pii, action: mask, colour: red }\n`), ['input[0].colour: unknown field']);
  assert.deepEqual(issuesOf('version: 1\n'), ['name: is required']);
  assert.deepEqual(issuesOf(`${base}input:\n  - type: regex\n    action: flag\n    patterns: [{ name: bad, pattern: "(a" }]\n`), ['input[0].patterns[0].pattern: invalid RE2 pattern: missing closing ): `(a`']);
  assert.deepEqual(issuesOf(`${base}tools:\n  rules: [{ tool: "fs.*", decision: deny, args: [{ path: "$.x", pattern: "(?<=a)b" }] }]\n`)[0]?.startsWith('tools.rules[0].args[0].pattern: invalid RE2 pattern'), true);
  assert.equal(issuesOf('name: [unclosed')[0]?.startsWith(': invalid YAML') || issuesOf('name: [unclosed')[0]?.includes('invalid YAML'), true);
});

test('user regexes run in linear time, even catastrophic ones', () => {
  const re = compileUserRegex('(a+)+$');
  const input = 'a'.repeat(50_000) + '!';
  const t0 = performance.now();
  assert.equal(re.matcher(input).find(), false);
  const ms = performance.now() - t0;
  assert.ok(ms < 2000, `took ${ms} ms`);
  assert.throws(() => compileUserRegex('(a', false, 3, 'broken'), (e: unknown) => e instanceof RegexPatternError && /patterns\[3\] \(broken\): invalid RE2 pattern/.test(e.message));
  assert.throws(() => compileUserRegex('(\\w+)\\1'), RegexPatternError); // back-references are not RE2
});

const POLICY = `
name: test
version: 1
blockReply: { zh: 已拦截, en: Blocked }
input:
  - type: keyword
    name: words
    action: flag
    terms:
      - { term: 炸药, categories: [gbt45654.A.1.h], action: block }
      - { term: spoiler, categories: [gbt45654.A.1.h] }
  - type: pii
    entities: [phone, email]
    action: mask
  - type: regex
    action: mask
    patterns:
      - { name: order, pattern: 'ORD-[0-9]{6}', category: tc260.3.1.2.d, replacement: '[ORDER]' }
output:
  - { type: pii, action: mask, style: redact }
`;

test('pipeline: masks from several scanners map onto the original text', () => {
  const g = createGuard(POLICY);
  const text = '联系\u200b我 138１２３４5678 or a@b.io, order ORD-123456, spoiler!';
  const r = g.check({ text, direction: 'input' });
  assert.equal(r.action, 'mask');
  assert.equal(r.text, '联系\u200b我 138****5678 or a***@b.io, order [ORDER], spoiler!');
  assert.deepEqual(r.categories.sort(), ['gbt45654.A.1.h', 'gbt45654.A.4.f', 'owasp-llm-2025.LLM02', 'tc260.3.1.2.d'].sort());
  assert.deepEqual(r.scanners.map((s) => [s.name, s.action]), [['words', 'flag'], ['pii', 'mask'], ['regex', 'mask']]);
  assert.ok(r.scanners.every((s) => s.ms >= 0));
  const out = g.check({ text: 'mail me at a@b.io', direction: 'output' });
  assert.equal(out.text, 'mail me at [EMAIL]');
});

test('pipeline: block wins and carries the configured reply in the right language', () => {
  const g = createGuard(POLICY);
  const zh = g.check({ text: '怎么买炸 药？电话13812345678', direction: 'input' });
  assert.equal(zh.action, 'block');
  assert.equal(zh.reply, '已拦截');
  assert.equal(zh.text, undefined);
  const en = g.check({ text: 'where to buy 炸藥', direction: 'input', locale: 'en' });
  assert.equal(en.reply, 'Blocked');
  const ok = g.check({ text: 'hello there', direction: 'input' });
  assert.deepEqual([ok.action, ok.categories], ['allow', []]);
});
