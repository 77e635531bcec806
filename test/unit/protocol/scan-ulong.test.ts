// runit's scan_ulong, shared by chpst, sv (SV-2) and svlogd (SVL-4).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanUlong } from '../../../src/protocol/scan-ulong.js';

test('scan_ulong: leading digits, none gives 0 (SV-2)', () => {
  const values = ['12', '3x', 'x3', '', '007'].map((text) => Number(scanUlong(text).value));
  assert.deepEqual(values, [12, 3, 0, 0, 7]);
});

test('scan_ulong counts the digits and wraps like C unsigned long', () => {
  assert.deepEqual(scanUlong('12ab'), { value: 12n, length: 2 });
  assert.deepEqual(scanUlong('18446744073709551617'), { value: 1n, length: 20 });
});

test('scan_ulong reads bytes from an offset, as svlogd config lines are', () => {
  const line = Buffer.from('1.2.3.4:514');
  assert.deepEqual(scanUlong(line, 8), { value: 514n, length: 3 });
  assert.deepEqual(scanUlong(line, 1), { value: 0n, length: 0 });
  assert.deepEqual(scanUlong(line, 11), { value: 0n, length: 0 });
});
