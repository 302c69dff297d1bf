import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectPii, isValidCnId, isValidLuhn, isValidUscc, isValidIPv4, maskValue } from './pii.ts';

// Test values are synthetic: check characters are computed here, not copied from real people.
function cnId(body17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(body17[i]) * w[i]!;
  return body17 + '10X98765432'[s % 11];
}
function uscc(body17: string): string {
  const cs = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let s = 0;
  for (let i = 0; i < 17; i++) s += cs.indexOf(body17[i]!) * w[i]!;
  return body17 + cs[(31 - (s % 31)) % 31];
}
const flip = (s: string, i: number): string => s.slice(0, i) + String((Number(s[i]) + 1) % 10) + s.slice(i + 1);

test('resident id: checksum, date and region are validated', () => {
  const id = cnId('11010519900307123');
  assert.ok(isValidCnId(id));
  assert.ok(!isValidCnId(flip(id, 16)), 'wrong check character');
  assert.ok(!isValidCnId(cnId('11010519900230123')), 'February 30th');
  assert.ok(!isValidCnId(cnId('99010519900307123')), 'unknown region');
  assert.ok(!isValidCnId(cnId('11010530000307123')), 'date in the future');
  assert.ok(isValidCnId(cnId('44030620000229001')), 'leap day');
});

test('bank card: Luhn', () => {
  assert.ok(isValidLuhn('4111111111111111'));
  assert.ok(isValidLuhn('6222021234567890128'.slice(0, 18) + '0') === isValidLuhn('6222021234567890120'));
  assert.ok(!isValidLuhn('4111111111111112'));
  assert.ok(!isValidLuhn('411111111111'), 'too short');
  assert.ok(!isValidLuhn('0000000000000000'), 'all the same digit');
});

test('unified social credit code: GB 32100 check character', () => {
  const code = uscc('91350100M000100Y4');
  assert.ok(isValidUscc(code));
  assert.ok(!isValidUscc(code.slice(0, 17) + (code[17] === '0' ? '1' : '0')));
  assert.ok(!isValidUscc('91350100M000100Y'), 'too short');
  assert.ok(!isValidUscc('I1350100M000100Y40'), 'letter I is not in the alphabet');
});

test('IPv4 ranges', () => {
  assert.ok(isValidIPv4('192.168.0.1'));
  assert.ok(!isValidIPv4('256.1.1.1'));
  assert.ok(!isValidIPv4('01.2.3.4'));
});

test('detectors find valid values, skip invalid ones, and mask or redact them', () => {
  const id = cnId('11010519900307123');
  const code = uscc('91350100M000100Y4');
  const text = `手机 13812345678，座机 010-12345678，身份证 ${id}，假身份证 ${flip(id, 16)}，` +
    `卡 4111 1111 1111 1111，坏卡 4111 1111 1111 1112，代码 ${code}，护照号码 E12345678，` +
    'mail li.lei@example.com, ip 10.1.2.3 and 2001:db8::7, see https://example.org/a/b. ' +
    'keys sk-proj-Abcdefghijklmnopqrstuvwxyz012345 AKIAABCDEFGHIJKLMNOP ghp_0123456789abcdefghijklmnopqrstuvwxyzAB xoxb-1234567890-abcdefghij ' +
    'tok Zq8Lm3Xr9Tb2Wc7Vn4Kd6Hs1Jf5Gp0Ya';
  const got = detectPii(text).map((m) => `${m.entity}:${m.kind}:${text.slice(m.start, m.end)}`);
  assert.deepEqual(got, [
    'phone:cn_mobile:13812345678', 'phone:cn_landline:010-12345678', `cn_id:cn_id:${id}`,
    'bank_card:bank_card:4111 1111 1111 1111', `uscc:uscc:${code}`, 'cn_passport:cn_passport:E12345678',
    'email:email:li.lei@example.com', 'ip:ipv4:10.1.2.3', 'ip:ipv6:2001:db8::7', 'url:url:https://example.org/a/b',
    'api_key:openai:sk-proj-Abcdefghijklmnopqrstuvwxyz012345', 'api_key:aws_access_key:AKIAABCDEFGHIJKLMNOP',
    'api_key:github:ghp_0123456789abcdefghijklmnopqrstuvwxyzAB', 'api_key:slack:xoxb-1234567890-abcdefghij',
    'secret:high_entropy:Zq8Lm3Xr9Tb2Wc7Vn4Kd6Hs1Jf5Gp0Ya',
  ]);
  const phone = detectPii('call 13812345678')[0]!;
  assert.equal(maskValue(phone), '138****5678');
  assert.equal(maskValue(phone, 'redact'), '[PHONE]');
  assert.equal(maskValue({ entity: 'email', kind: 'email', value: 'li.lei@example.com' }), 'l***@example.com');
  assert.equal(maskValue({ entity: 'bank_card', kind: 'bank_card', value: '4111 1111 1111 1111' }), '**** **** **** 1111');
});

test('no false positives on ordinary numbers, dates, hashes and versions', () => {
  const text = 'On 2024-01-15 at 10:30 we shipped v1.2.3 (build 20240115), sha 3f786850e387550fdab836ed7e6dc881de23001b, order 12345, price 1,299.00, uuid 123e4567-e89b-12d3-a456-426614174000';
  assert.deepEqual(detectPii(text).map((m) => m.kind), []);
  assert.deepEqual(detectPii('passport E12345678 without context', { entities: ['cn_passport'] }).length, 1);
  assert.deepEqual(detectPii('product code E12345678', { entities: ['cn_passport'] }).length, 0);
});

test('full-width digits and zero-width characters do not hide a phone number; offsets are original', () => {
  const text = '电话１３８\u200b１２３４５６７８。';
  const [m] = detectPii(text);
  assert.equal(m?.kind, 'cn_mobile');
  assert.equal(text.slice(m!.start, m!.end), '１３８\u200b１２３４５６７８');
});

test('secret prefilter: literal heads are read conservatively', async () => {
  const { literalPrefixes } = await import('./pii.ts');
  assert.deepEqual(literalPrefixes('sk-(?:proj-)?[A-Z]{20}'), ['sk-']);
  assert.deepEqual(literalPrefixes('(?:sk|rk)_(?:live|test)_'), ['sk_', 'rk_']);
  assert.deepEqual(literalPrefixes('abc?d'), ['ab']);
  assert.equal(literalPrefixes('abc|def'), undefined);
  assert.equal(literalPrefixes('\\bkey'), undefined);
  assert.equal(literalPrefixes('[A-Z]{4}'), undefined);
});
