// The write pieces of runit's buffer_put, which decide where size rotation may cut (SVL-13).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DirBuffer } from '../../../src/svlogd/dir-buffer.js';

function recorder(limit = Number.POSITIVE_INFINITY) {
  const writes: string[] = [];
  const buffer = new DirBuffer(8, async (bytes) => {
    const length = Math.min(bytes.length, limit);
    writes.push(Buffer.from(bytes.subarray(0, length)).toString());
    return length;
  });
  return { writes, buffer };
}

test('what fits is buffered; what does not flushes first; flush writes once', async () => {
  const { writes, buffer } = recorder();
  await buffer.put(Buffer.from('abc'));
  await buffer.put(Buffer.from('defgh'));
  assert.deepEqual(writes, []);
  await buffer.put(Buffer.from('ij'));
  assert.deepEqual(writes, ['abcdefgh']);
  await buffer.flush();
  await buffer.flush();
  assert.deepEqual(writes, ['abcdefgh', 'ij']);
});

test('text longer than the buffer goes out directly; putEach flushes only a full buffer', async () => {
  const { writes, buffer } = recorder();
  await buffer.put(Buffer.from('x'));
  await buffer.put(Buffer.from('0123456789ABC'));
  assert.deepEqual(writes, ['x', '0123456789ABC']);
  await buffer.putEach(Buffer.from('0123456789'));
  assert.deepEqual(writes.slice(2), ['01234567']);
  await buffer.flush();
  assert.deepEqual(writes.slice(3), ['89']);
});

test('short writes are continued until everything is written', async () => {
  const { writes, buffer } = recorder(3);
  await buffer.put(Buffer.from('abcdefg'));
  await buffer.flush();
  assert.deepEqual(writes, ['abc', 'def', 'g']);
});
