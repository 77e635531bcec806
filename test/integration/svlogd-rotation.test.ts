// No line is lost across rotations, with a slow processor, or in-process on a pipe (SVL-13,
// SVL-14, SVL-17, SVL-18); the engine is a library that runs on any readable fd.
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SvlogdEngine } from '../../src/svlogd/index.js';
import { O_CLOEXEC, O_NONBLOCK, pipe2 } from '../../src/sys/index.js';
import { NEEDS_RUNIT, ourBin, realBin } from '../helpers/binaries.js';
import { runSvlogd, snapshot, startSvlogd } from '../helpers/svlogd-run.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

/** Every line logged, oldest file first. */
function allLines(dir: string): string[] {
  const files = readdirSync(dir).filter((n) => n.startsWith('@')).sort();
  return [...files, 'current'].flatMap((n) => readFileSync(join(dir, n), 'latin1').split('\n').slice(0, -1));
}

function numbered(count: number, width: number): string[] {
  return Array.from({ length: count }, (_, i) => `n${i} `.padEnd(width, 'q'));
}

test('a slow processor holds rotation back, and every line ends up in a processed file', { skip: NEEDS_RUNIT, timeout: 60_000 }, async (t) => {
  const lines = numbered(60, 39);
  const input = lines.map((l) => l + '\n').join('');
  const dirs: string[] = [];
  for (const bin of [realBin('svlogd'), ourBin('svlogd')]) {
    const root = makeTempDir(t);
    mkdirSync(join(root, 'log'));
    writeFileSync(join(root, 'log', 'config'), 's400\nn0\n!sleep 0.2; cat; echo called >>../calls\n');
    const { code } = await runSvlogd(t, bin, ['log'], root, input);
    assert.equal(code, 0);
    assert.deepEqual(allLines(join(root, 'log')), lines);
    assert.equal(readFileSync(join(root, 'calls'), 'latin1').split('\n').length - 1, 5, 'one run per rotated file');
    dirs.push(join(root, 'log'));
  }
  assert.deepEqual(snapshot(dirs[1]!), snapshot(dirs[0]!));
});

test('many rotations under a fast writer: all lines, in order, no file over the limit', async (t) => {
  const root = makeTempDir(t);
  mkdirSync(join(root, 'log'));
  writeFileSync(join(root, 'log', 'config'), 's5000\nn0\n');
  const lines = numbered(20000, 50);
  const { code } = await runSvlogd(t, ourBin('svlogd'), ['log'], root, lines.map((l) => l + '\n').join(''));
  assert.equal(code, 0);
  assert.deepEqual(allLines(join(root, 'log')), lines);
  for (const name of readdirSync(join(root, 'log'))) {
    if (name.startsWith('@')) assert.ok(readFileSync(join(root, 'log', name)).length <= 5000);
  }
});

test('in-process engine on a pipe: rotateAll, reopen and terminate, no global state', async (t) => {
  const root = makeTempDir(t);
  mkdirSync(join(root, 'a'));
  mkdirSync(join(root, 'b'));
  writeFileSync(join(root, 'b', 'config'), 'pB:\n');
  const [r, w] = pipe2(O_CLOEXEC | O_NONBLOCK);
  t.after(() => closeSync(w));
  const messages: string[] = [];
  const cwdBefore = process.cwd();
  const engine = new SvlogdEngine({ dirs: ['a', 'b'], cwd: root, verbose: true, message: (m) => messages.push(m) });
  const exited = engine.start(r);
  writeSync(w, 'one\ntwo\n');
  await waitFor('two lines', () => readFileSync(join(root, 'a', 'current'), 'latin1') === 'one\ntwo\n');
  engine.rotateAll();
  await waitFor('rotated', () => readdirSync(join(root, 'b')).some((n) => n.endsWith('.s')));
  writeFileSync(join(root, 'b', 'config'), 'pC:\n');
  engine.reopen();
  await waitFor('reopened', () => messages.filter((m) => m.includes('read: b/config')).length === 2);
  writeSync(w, 'three\npart');
  await waitFor('three', () => readFileSync(join(root, 'b', 'current'), 'latin1') === 'C:three\n');
  engine.terminate();
  writeSync(w, 'ial\nleft in the pipe\n');
  assert.equal(await exited, 0);
  assert.equal(process.cwd(), cwdBefore);
  assert.equal(readFileSync(join(root, 'a', 'current'), 'latin1'), 'three\npartial\n');
  assert.equal(readFileSync(join(root, 'b', 'current'), 'latin1'), 'C:three\nC:partial\n');
  const rest = Buffer.alloc(100);
  const { readSync } = await import('node:fs');
  assert.equal(rest.subarray(0, readSync(r, rest)).toString(), 'left in the pipe\n');
  closeSync(r);
});

test('memory stays bounded while the disk side is stalled: the pipe pushes back', { timeout: 60_000 }, async (t) => {
  const root = makeTempDir(t);
  mkdirSync(join(root, 'log'));
  // The first processor run takes 3 s; the second rotation must wait for it.
  writeFileSync(join(root, 'log', 'config'), 's1000000\nn0\n!if [ ! -e ../slow ]; then touch ../slow; sleep 3; fi; cat\n');
  const run = startSvlogd(t, ourBin('svlogd'), ['log'], root);
  const block = 'm'.repeat(99) + '\n';
  const text = block.repeat(100_000); // 10 MB
  void run.write(text);
  await waitFor('the writer is held back', () => run.child.stdin!.writableLength > 5_000_000, { timeout: 15_000 });
  const status = readFileSync(`/proc/${run.pid}/status`, 'latin1');
  const rssKib = Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
  assert.ok(rssKib < 100 * 1024, `svlogd RSS ${rssKib} KiB while stalled`);
  const { code } = await run.finish();
  assert.equal(code, 0);
  assert.equal(allLines(join(root, 'log')).length, 100_000);
});
