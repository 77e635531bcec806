// Reading svlogd's input: a failed read is reported (runit warns and ends), not taken for EOF.
import assert from 'node:assert/strict';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { errorCode } from '../../../src/errors.js';
import { openInput, type InputHandlers } from '../../../src/svlogd/input.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

/** Handlers that only record what the input reported. */
function recorder(): InputHandlers & { errors: unknown[]; ends: number } {
  const seen = {
    errors: [] as unknown[],
    ends: 0,
    chunk: () => true,
    end: () => void seen.ends++,
    error: (error: unknown) => void seen.errors.push(error),
  };
  return seen;
}

function openFor(t: Parameters<typeof makeTempDir>[0], path: string): number {
  const fd = openSync(path, 'r');
  t.after(() => closeSync(fd));
  return fd;
}

test('readByte: a read error is reported to error(), then reads as the end', (t) => {
  const fd = openFor(t, makeTempDir(t));
  const handlers = recorder();
  const input = openInput(fd, handlers);
  input.stop();
  assert.equal(input.readByte(), 'eof');
  assert.deepEqual(handlers.errors.map(errorCode), ['EISDIR']);
  assert.equal(handlers.ends, 0);
});

test('readByte: bytes, then a plain end of file reports nothing', (t) => {
  const file = join(makeTempDir(t), 'input');
  writeFileSync(file, 'a\n');
  const handlers = recorder();
  const input = openInput(openFor(t, file), handlers);
  input.stop();
  assert.deepEqual([input.readByte(), input.readByte(), input.readByte()], [0x61, 0x0a, 'eof']);
  assert.deepEqual(handlers.errors, []);
});
