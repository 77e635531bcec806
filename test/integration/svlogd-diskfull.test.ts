// A full disk (SVL-16): svlogd pauses, retries every 3 s, and loses nothing once space returns;
// with N < n it deletes the oldest files instead. Run side by side with runit's svlogd, each on
// its own tiny tmpfs (needs root to mount).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { NEEDS_RUNIT, ourBin, realBin } from '../helpers/binaries.js';
import { startSvlogd } from '../helpers/svlogd-run.js';
import { fill, tinyDisk } from '../helpers/tiny-disk.js';
import { waitFor } from '../helpers/wait-for.js';

const skip = NEEDS_RUNIT || (process.getuid?.() !== 0 ? 'mounting a tmpfs needs root' : false);

const lineText = (i: number): string => `disk line ${i} ${'z'.repeat(40)}\n`;

test('disk full: pausing message, retry every 3 s, nothing lost when space returns', { skip, timeout: 60_000 }, async (t) => {
  const runs = [realBin('svlogd'), ourBin('svlogd')].map((bin) => {
    const mnt = tinyDisk(t);
    mkdirSync(join(mnt, 'log'));
    fill(join(mnt, 'filler'));
    return { mnt, run: startSvlogd(t, bin, ['log'], mnt) };
  });
  const message = 'svlogd: pausing: unable to write to current: log: out of disk space\n';
  let text = '';
  for (let i = 0; i < 200; i++) text += lineText(i);
  for (const { run } of runs) await run.write(text);
  for (const { run } of runs) await waitFor('pausing message', () => run.stderr().startsWith(message), { timeout: 15_000 });
  const since = Date.now();
  for (const { run } of runs) await waitFor('a retry', () => run.stderr().split(message).length >= 3, { timeout: 15_000 });
  assert.ok(Date.now() - since >= 2000, 'the retry waits about 3 s');
  for (const { mnt } of runs) unlinkSync(join(mnt, 'filler'));
  const results = await Promise.all(runs.map(({ run }) => run.finish()));
  assert.deepEqual(results[1], results[0]);
  assert.equal(results[1]!.code, 0);
  for (const { mnt, run } of runs) {
    assert.equal(readFileSync(join(mnt, 'log', 'current'), 'latin1'), text, `all lines in ${mnt}`);
    assert.match(run.stderr(), /^(svlogd: pausing: unable to write to current: log: out of disk space\n)+$/);
  }
});

test('disk full with N < n: the oldest files are deleted instead', { skip, timeout: 60_000 }, async (t) => {
  const outcomes: string[][] = [];
  for (const bin of [realBin('svlogd'), ourBin('svlogd')]) {
    const mnt = tinyDisk(t);
    mkdirSync(join(mnt, 'log'));
    writeFileSync(join(mnt, 'log', 'config'), 'n5\nN1\n');
    for (let i = 1; i <= 3; i++) writeFileSync(join(mnt, 'log', `@40000000000000000000000${i}.s`), Buffer.alloc(8192, 0x61));
    fill(join(mnt, 'filler'));
    const run = startSvlogd(t, bin, ['log'], mnt);
    await run.write(lineText(1));
    await waitFor('the line on disk', () => readFileSync(join(mnt, 'log', 'current'), 'latin1') === lineText(1), { timeout: 15_000 });
    const { code } = await run.finish();
    outcomes.push([String(code), run.stderr(), ...readdirSync(join(mnt, 'log')).sort()]);
  }
  assert.deepEqual(outcomes[1], outcomes[0]);
  assert.match(outcomes[1]![1]!, /^svlogd: warning: out of disk space, delete: log\/@400000000000000000000001\.s\n/);
});
