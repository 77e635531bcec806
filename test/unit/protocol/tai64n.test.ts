// TAI64N's external form (GEN-5): one writer serves sv's labels, runsvdir and svlogd's stamps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTai64n, packTai64, parseTai64n, TAI64_BASE, writeTai64nText } from '../../../src/protocol/tai64n.js';

test('formatTai64n: golden text and the round trip through parseTai64n', () => {
  assert.equal(formatTai64n({ seconds: 0, nanoseconds: 0 }), '@400000000000000a00000000');
  assert.equal(formatTai64n({ seconds: 1795436320, nanoseconds: 605384500 }), '@400000006b042f2a24156f34');
  for (const stamp of [
    { seconds: 2 ** 32 - 11, nanoseconds: 999999999 },
    { seconds: 2 ** 33 + 12345, nanoseconds: 500 },
    { seconds: 1, nanoseconds: 1 },
  ]) {
    assert.deepEqual(parseTai64n(formatTai64n(stamp)), stamp);
  }
});

test('writeTai64nText writes 25 ASCII bytes at the offset and nothing else', () => {
  const target = new Uint8Array(30).fill(0x2e);
  writeTai64nText({ seconds: 1795436320, nanoseconds: 605384500 }, target, 2);
  assert.equal(Buffer.from(target).toString('latin1'), '..@400000006b042f2a24156f34...');
});

test('TAI64_BASE is the label runit gives Unix second 0', () => {
  const label = new Uint8Array(8);
  packTai64(0, label, 0);
  assert.equal(Buffer.from(label).readBigUInt64BE(0), TAI64_BASE);
});
