import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateToolCall, parseToolPolicy, emptySession, globMatch, selectJsonPath } from './agent.ts';

const policy = parseToolPolicy({
  default: 'confirm',
  rules: [
    { id: 'no-rm', tool: 'shell.*', args: [{ path: '$.cmd', pattern: '\\brm\\s+-[a-z]*r' }], decision: 'deny' },
    { id: 'shell-read', tool: 'shell.exec', args: [{ path: '$.cmd', pattern: '^(ls|cat|grep)\\b' }], decision: 'allow' },
    { id: 'internal-fetch', tool: 'http.get', args: [{ path: '$.url', pattern: '^https://[a-z.]*example\\.com/', negate: true }], decision: 'confirm' },
    { tool: 'http.get', decision: 'allow' },
    { id: 'mail-ext', tool: ['email.send', 'mail.*'], args: [{ path: '$.to[*]', pattern: '@example\\.com$', negate: true }], decision: 'confirm' },
    { id: 'deep-secret', tool: '*', args: [{ path: '$..password', pattern: '.' }], decision: 'deny' },
  ],
  limits: [{ tool: 'http.*', max: 2 }, { tool: 'search', max: 1, decision: 'confirm' }],
  maxCallsPerSession: 10,
});

test('glob and JSON path helpers', () => {
  assert.ok(globMatch('shell.*', 'shell.exec'));
  assert.ok(globMatch('*', 'anything'));
  assert.ok(globMatch('f?o*', 'fooooo'));
  assert.ok(!globMatch('shell.*', 'shellexec'));
  const doc = { a: { b: [{ c: 1 }, { c: 2 }] }, x: { password: 'p' } };
  assert.deepEqual(selectJsonPath(doc, '$.a.b[*].c'), [1, 2]);
  assert.deepEqual(selectJsonPath(doc, '$.a.b[1]'), [{ c: 2 }]);
  assert.deepEqual(selectJsonPath(doc, "$..password"), ['p']);
  assert.throws(() => selectJsonPath(doc, '$a'));
});

test('rules decide by tool name and argument patterns, first match wins', () => {
  const s = emptySession();
  assert.equal(evaluateToolCall(policy, { name: 'shell.exec', arguments: { cmd: 'rm -rf /' } }, s).decision, 'deny');
  assert.equal(evaluateToolCall(policy, { name: 'shell.exec', arguments: JSON.stringify({ cmd: 'ls -la' }) }, s).decision, 'allow');
  assert.equal(evaluateToolCall(policy, { name: 'shell.exec', arguments: { cmd: 'python x.py' } }, s).rule, 'default');
  assert.equal(evaluateToolCall(policy, { name: 'http.get', arguments: { url: 'https://api.example.com/v1' } }, s).decision, 'allow');
  const ext = evaluateToolCall(policy, { name: 'http.get', arguments: { url: 'https://evil.test/' } }, s);
  assert.deepEqual([ext.decision, ext.rule], ['confirm', 'internal-fetch']);
  assert.equal(evaluateToolCall(policy, { name: 'mail.send', arguments: { to: ['a@example.com', 'b@other.org'] } }, s).decision, 'confirm');
  assert.equal(evaluateToolCall(policy, { name: 'db.query', arguments: { opts: { auth: { password: 'x' } } } }, s).decision, 'deny');
  assert.equal(evaluateToolCall(policy, { name: 'x', arguments: '{not json' }, s).decision, 'deny');
  assert.match(ext.reason.zh, /internal-fetch/);
});

test('per-session limits count calls per tool; evaluation is pure', () => {
  let s = emptySession();
  const call = { name: 'http.get', arguments: { url: 'https://example.com/' } };
  const d1 = evaluateToolCall(policy, call, s); s = d1.nextState;
  const d2 = evaluateToolCall(policy, call, s); s = d2.nextState;
  const d3 = evaluateToolCall(policy, call, s);
  assert.deepEqual([d1.decision, d2.decision, d3.decision], ['allow', 'allow', 'deny']);
  assert.equal(d3.rule, 'limit[0]');
  assert.equal(s.counts['http.get'], 2);
  assert.equal(d3.nextState, s, 'a denied call leaves the state unchanged');
  const other = evaluateToolCall(policy, { name: 'http.post' }, s);
  assert.equal(other.decision, 'confirm', 'limits are per tool, http.post has its own count');
  let t = emptySession();
  t = evaluateToolCall(policy, { name: 'search' }, t).nextState;
  assert.deepEqual([evaluateToolCall(policy, { name: 'search' }, t).decision], ['confirm']);
  const full = { counts: {}, total: 10 };
  assert.equal(evaluateToolCall(policy, { name: 'shell.exec', arguments: { cmd: 'ls' } }, full).rule, 'maxCallsPerSession');
});
