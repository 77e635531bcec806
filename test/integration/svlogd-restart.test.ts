// No line is lost across TERM and restart: a line read is on disk, an unread one stays in the
// pipe for the next svlogd (SVL-11, SVL-20).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { O_CLOEXEC, pipe2 } from '../../src/sys/index.js';
import { ourBin } from '../helpers/binaries.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

type T = Parameters<typeof makeTempDir>[0];

/**
 * Starts our svlogd -v with `readFd` as stdin and waits until it has opened its directory
 * (its signal handlers are installed by then).
 */
async function startOn(t: T, readFd: number, cwd: string, dir = 'log'): Promise<{ pid: number; exited: Promise<number | null>; stderr: () => string }> {
  mkdirSync(join(cwd, dir), { recursive: true });
  const child = spawn(ourBin('svlogd'), ['-v', dir], { cwd, stdio: [readFd, 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('latin1').on('data', (s: string) => (stderr += s));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  await waitFor('svlogd ready', () => /: (new|append): /.test(stderr), { timeout: 15_000 });
  return { pid: child.pid!, exited, stderr: () => stderr };
}

/** Every line logged, oldest file first. */
function allLines(dir: string): string[] {
  const files = readdirSync(dir).filter((n) => n.startsWith('@')).sort();
  return [...files, 'current'].flatMap((n) => readFileSync(join(dir, n), 'latin1').split('\n').slice(0, -1));
}

function openPipe(t: T): { r: number; w: number } {
  const [r, w] = pipe2(O_CLOEXEC);
  t.after(() => {
    for (const fd of [r, w]) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
  });
  return { r, w };
}

test('TERM in the middle of a stream, then a new svlogd: every line once, in order', async (t) => {
  const root = makeTempDir(t);
  const { r, w } = openPipe(t);
  const expected: string[] = [];
  const send = (from: number, to: number): void => {
    let text = '';
    for (let i = from; i < to; i++) {
      text += `line ${i} ${'x'.repeat(i % 50)}\n`;
      expected.push(`line ${i} ${'x'.repeat(i % 50)}`);
    }
    writeSync(w, text);
  };
  mkdirSync(join(root, 'log'));
  writeFileSync(join(root, 'log', 'config'), 's3000\nn0\n');
  let next = 0;
  for (let round = 0; round < 4; round++) {
    const run = await startOn(t, r, root);
    send(next, next + 800);
    next += 800;
    process.kill(run.pid, 'SIGTERM');
    assert.equal(await run.exited, 0);
  }
  const last = await startOn(t, r, root);
  send(next, next + 100);
  closeSync(w);
  assert.equal(await last.exited, 0);
  assert.deepEqual(allLines(join(root, 'log')), expected);
});

test('TERM inside a line: the line is finished, the next one stays in the pipe', async (t) => {
  const root = makeTempDir(t);
  const { r, w } = openPipe(t);
  const first = await startOn(t, r, root);
  writeSync(w, 'whole\npart');
  await waitFor('the whole line on disk', () => {
    try {
      return readFileSync(join(root, 'log', 'current'), 'latin1') === 'whole\n';
    } catch {
      return false;
    }
  });
  process.kill(first.pid, 'SIGTERM');
  await waitFor('TERM handled', () => first.stderr().includes('sigterm received.'));
  // It waits for the rest of the line; give it the rest and one more line.
  writeSync(w, 'ial\nnext\n');
  assert.equal(await first.exited, 0);
  assert.equal(readFileSync(join(root, 'log', 'current'), 'latin1'), 'whole\npartial\n');
  const second = await startOn(t, r, root);
  closeSync(w);
  assert.equal(await second.exited, 0);
  assert.equal(readFileSync(join(root, 'log', 'current'), 'latin1'), 'whole\npartial\nnext\n');
});
