// Reading svlogd's input: a failed read is reported (runit warns and ends), not taken for EOF.
import assert from 'node:assert/strict';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { errorCode } from '../../../src/errors.js';
import { O_CLOEXEC, pipe2 } from '../../../src/sys/index.js';
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
  const input = openInput(fd, handlers, 1024);
  input.stop();
  assert.equal(input.readByte(), 'eof');
  assert.deepEqual(handlers.errors.map(errorCode), ['EISDIR']);
  assert.equal(handlers.ends, 0);
});

test('readByte: bytes, then a plain end of file reports nothing', (t) => {
  const file = join(makeTempDir(t), 'input');
  writeFileSync(file, 'a\n');
  const handlers = recorder();
  const input = openInput(openFor(t, file), handlers, 1024);
  input.stop();
  assert.deepEqual([input.readByte(), input.readByte(), input.readByte()], [0x61, 0x0a, 'eof']);
  assert.deepEqual(handlers.errors, []);
});

/** Reads everything from `fd` through openInput(..., readSize); returns each chunk's size. */
function chunkSizes(fd: number, readSize: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const sizes: number[] = [];
    const handlers: InputHandlers = {
      chunk: (data) => sizes.push(data.length) > 0,
      end: () => resolve(sizes),
      error: reject,
    };
    openInput(fd, handlers, readSize);
  });
}

// What svlogd has read and not written dies with it (SIGKILL): runit reads -b bytes at a time
// (issue 14, fault 3; SVL-6).
test('reads are at most -b bytes, from a pipe and from a file', async (t) => {
  const data = Buffer.alloc(10_000, 0x61);
  const [r, w] = pipe2(O_CLOEXEC);
  t.after(() => closeSync(r));
  writeSync(w, data);
  closeSync(w);
  const fromPipe = await chunkSizes(r, 1024);
  assert.equal(fromPipe.reduce((a, b) => a + b, 0), data.length);
  assert.ok(Math.max(...fromPipe) <= 1024, `pipe chunks ${fromPipe.join(' ')}`);

  const file = join(makeTempDir(t), 'input');
  writeFileSync(file, data);
  const fromFile = await chunkSizes(openFor(t, file), 3000);
  assert.deepEqual(fromFile, [3000, 3000, 3000, 1000]);
});
