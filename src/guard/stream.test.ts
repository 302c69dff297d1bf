import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGuard } from './guard.ts';

const guard = createGuard(`
name: stream-test
version: 1
blockReply: { zh: 内容已拦截, en: Content blocked }
output:
  - type: keyword
    action: block
    terms: [{ term: 炸药配方, categories: [gbt45654.A.1.h] }, { term: forbidden phrase, categories: [tc260.3.2.1.a] }]
  - { type: pii, action: mask, entities: [phone, email] }
`);

function run(chunks: string[]): { released: string; blockedAt: number; reply?: string } {
  const s = guard.stream({ direction: 'output', overlap: 32 });
  let released = '';
  for (let i = 0; i < chunks.length; i++) {
    const u = s.push(chunks[i]!);
    released += u.flush;
    if (u.blocked) return { released, blockedAt: i, ...(u.reply ? { reply: u.reply } : {}) };
  }
  const e = s.end();
  released += e.flush;
  return { released, blockedAt: e.blocked ? chunks.length : -1 };
}

test('a term split across chunk boundaries is caught on the chunk that completes it', () => {
  const filler = '这是一段很长的正常文字，用来把窗口推到后面去。'.repeat(4);
  const r = run([filler, '下面是炸', '药配', '方：第一步', '……']);
  assert.equal(r.blockedAt, 3);
  assert.equal(r.reply, '内容已拦截');
  assert.ok(!r.released.includes('炸药配方'));
  const en = run(['all good so far, then a forbid', 'den phr', 'ase appears']);
  assert.equal(en.blockedAt, 2);
});

test('safe text is released as it arrives (minus the hold-back) and everything at the end', () => {
  const s = guard.stream({ direction: 'output', overlap: 8 });
  const u1 = s.push('Hello world, this is a perfectly fine answer. ');
  assert.ok(u1.flush.length > 0 && u1.flush.length <= 46 - 8 + 1);
  const u2 = s.push('More text.');
  const end = s.end();
  assert.equal(u1.flush + u2.flush + end.flush, 'Hello world, this is a perfectly fine answer. More text.');
  assert.equal(end.action, 'allow');
});

test('PII split across chunks is masked before release', () => {
  const r = run(['call me on 138', '1234', '5678 or mail x.y@exa', 'mple.com thanks']);
  assert.equal(r.blockedAt, -1);
  assert.equal(r.released, 'call me on 138****5678 or mail x***@example.com thanks');
});
