// Our svlogd over a real FIFO: what TERM leaves behind (SVL-11, SVL-20). Real 2.1.2 reads the
// rest of the line byte by byte and then drops it; ours writes it (a documented difference), and
// both leave everything after that line in the pipe for the next logger.
import assert from 'node:assert/strict';
import { closeSync, constants, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { mkfifo } from '../../src/sys/index.js';
import { ourBin } from '../helpers/binaries.js';
import { spawnTracked } from '../helpers/procs.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

test('TERM mid-line: the line is finished one byte at a time, the rest stays in the pipe', async (t) => {
  const cwd = makeTempDir(t, 'svlogd-fifo-');
  mkdirSync(join(cwd, 'd'));
  const fifo = join(cwd, 'fifo');
  mkfifo(fifo, 0o600);
  const writer = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
  t.after(() => closeSync(writer));
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const proc = spawnTracked(t, ourBin('svlogd'), ['-v', 'd'], { cwd, stdio: [reader, 'pipe', 'pipe'] });
  closeSync(reader);
  const current = () => readFileSync(join(cwd, 'd/current'), 'utf8');

  writeSync(writer, 'first\npart');
  await waitFor('the first line', () => current() === 'first\n');
  proc.child.kill('SIGTERM');
  // The notice is printed by the handler that also switches the engine to one-byte reads.
  await waitFor('the TERM notice', () => proc.stderr().includes('sigterm received.'));
  writeSync(writer, 'ial\nafter\n');
  const { code } = await proc.exited;
  assert.equal(code, 0);
  assert.equal(current(), 'first\npartial\n');
  const left = Buffer.alloc(64);
  assert.equal(left.toString('utf8', 0, readSync(writer, left)), 'after\n');
});
