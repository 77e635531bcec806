// runsvdir's hand-made argument parsing (RSD-1) and the readproctitle window (RSD-3, IMP-7).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs } from '../../../src/runsvdir/cli.js';
import { ScrollingWindow } from '../../../src/runsvdir/proctitle-log.js';

test('only the first argument is looked at: -P, --..., any other -x is the directory', () => {
  assert.deepEqual(parseArgs(['-P', 'd', 'log', 'extra']), {
    isNewSession: true,
    isInProcess: false,
    isNoInlineLogs: false,
    dir: 'd',
    log: 'log',
    shown: ['-P', 'd'],
  });
  assert.equal(parseArgs(['-x', 'd']).dir, '-x');
  assert.equal(parseArgs(['-P', '-P', 'd']).dir, '-P');
  assert.equal(parseArgs(['--', 'd']).dir, 'd');
  assert.equal(parseArgs(['-Pfoo', 'd']).isNewSession, true);
  assert.equal(parseArgs([]).dir, undefined);
});

test('--in-process may come before or after -P', () => {
  for (const args of [['--in-process', '-P', 'd'], ['-P', '--in-process', 'd']]) {
    const parsed = parseArgs(args);
    assert.equal(parsed.isInProcess, true);
    assert.equal(parsed.isNewSession, true);
    assert.equal(parsed.dir, 'd');
  }
});

test('--no-inline-logs is ours too, and is not taken for the directory', () => {
  const parsed = parseArgs(['--in-process', '--no-inline-logs', 'd']);
  assert.equal(parsed.isNoInlineLogs, true);
  assert.equal(parsed.dir, 'd');
  assert.equal(parseArgs(['--in-process', 'd']).isNoInlineLogs, false);
});

test('the window keeps 5 characters and scrolls the rest, NUL bytes dropped', () => {
  const window = new ScrollingWindow('log: ......');
  window.append('ab\0c');
  assert.equal(window.text(), 'log: ...abc');
  window.append('0123456789');
  assert.equal(window.text(), 'log: 456789');
  window.append('\n');
  assert.equal(window.text(), 'log: 56789\n');
});
