// Dropping the clean file pages a program mapped while starting (issue 22, memory).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { cleanFileMappings, QuietWatch, releaseCleanFilePages, WATCH_MS } from '../../../src/cli/startup-pages.js';

function mapping(range: string, permissions: string, path: string, rss: number, anonymous: number): string {
  return [`${range} ${permissions} 00000000 fe:00 260689                             ${path}`, `Size:               8 kB`, `Rss:                ${rss} kB`, `Anonymous:          ${anonymous} kB`, 'VmFlags: rd mr mw me'].join('\n');
}

test('only private, read-only, resident file mappings without anonymous pages are dropped', () => {
  const smaps = [
    mapping('00400000-00b6f000', 'r--p', '/usr/bin/node', 6708, 0),
    mapping('00b72000-025fe000', 'r-xp', '/usr/bin/node', 20492, 0),
    mapping('0563a000-0563e000', 'r--p', '/usr/bin/node', 16, 16), // RELRO: written, then made read-only
    mapping('0563e000-05655000', 'rw-p', '/usr/bin/node', 92, 92),
    mapping('05655000-05660000', 'r-xp', '/usr/lib/libx.so (deleted)', 0, 0), // nothing resident
    mapping('7f0000000000-7f0000001000', 'r--s', '/tmp/shared', 4, 0),
    mapping('7f0000002000-7f0000003000', 'r--p', '/dev/zero', 4, 0),
    mapping('7f0000004000-7f0000005000', 'r--p', '', 4, 4),
    mapping('7f0000006000-7f0000008000', 'r-xp', '/usr/lib/libc.so.6', 8, 0),
  ].join('\n');
  assert.deepEqual(cleanFileMappings(smaps), [
    { start: 0x400000n, length: 0x76f000, path: '/usr/bin/node', residentKiB: 6708 },
    { start: 0xb72000n, length: 0x1a8c000, path: '/usr/bin/node', residentKiB: 20492 },
    { start: 0x7f0000006000n, length: 0x2000, path: '/usr/lib/libc.so.6', residentKiB: 8 },
  ]);
});

test('a mapping whose Anonymous line is missing is kept', () => {
  const smaps = '00400000-00401000 r--p 00000000 fe:00 1 /usr/bin/node\nRss:  4 kB\n';
  assert.deepEqual(cleanFileMappings(smaps), []);
});

test('a failing madvise leaves that mapping and goes on with the others', () => {
  const smaps = [mapping('00400000-00401000', 'r--p', '/a', 4, 0), mapping('00500000-00502000', 'r--p', '/b', 8, 0)].join('\n');
  const unmapped: bigint[] = [];
  const released = releaseCleanFilePages({
    readSmaps: () => smaps,
    unmap: (start) => {
      if (start === 0x400000n) throw new Error('EINVAL');
      unmapped.push(start);
    },
  });
  assert.deepEqual(unmapped, [0x500000n]);
  assert.equal(released, 8);
});

/** Resident KiB of this process that come from files (Rss less anonymous and shared memory). */
function fileResidentKiB(): number {
  const rollup = readFileSync('/proc/self/smaps_rollup', 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0);
  return field('Rss') - field('Anonymous') - field('Shmem');
}

test('this process drops its file pages, and runs on from the page cache', { skip: process.platform !== 'linux' }, () => {
  const before = fileResidentKiB();
  const released = releaseCleanFilePages();
  const after = fileResidentKiB();
  assert.ok(released > 0, 'something was dropped');
  // Node's start-up alone maps tens of MiB of its binary; the test itself touches a few again.
  assert.ok(after < before / 2, `file-backed resident ${before} KiB -> ${after} KiB`);
  // Code and read-only data come back at their next touch, unchanged.
  assert.equal(createHash('sha256').update('runit').digest('hex').length, 64);
  assert.equal(new Intl.NumberFormat('en-US').format(1234567), '1,234,567');
  assert.deepEqual(JSON.parse(JSON.stringify({ a: [1, 2] })), { a: [1, 2] });
});

test('dropped after two quiet windows, again only after a burst, and watched for a minute', () => {
  const watch = new QuietWatch(0);
  const drops = (loads: number[]): boolean[] => loads.map((load) => watch.onWindow(load));
  // Start-up: busy, then quiet twice in a row.
  assert.deepEqual(drops([0.9, 0.5, 0.01, 0.3, 0.01, 0.01, 0.01]), [false, false, false, false, false, true, false]);
  // A restart (a few ms in a window, or one slow spawn) is no burst: nothing is dropped again.
  assert.deepEqual(drops([0.05, 0.01, 0.01, 0.01]), [false, false, false, false]);
  assert.deepEqual(drops([0.5, 0.01, 0.01, 0.01]), [false, false, false, false]);
  assert.equal(watch.isDone(WATCH_MS - 1), false);
  // A burst (services starting) re-arms it; watching goes on until that drop is done.
  assert.deepEqual(drops([0.6, 0.4, 0.01]), [false, false, false]);
  assert.equal(watch.isDone(WATCH_MS + 1), false, 'a drop is still due');
  assert.deepEqual(drops([0.01]), [true]);
  assert.equal(watch.isDone(WATCH_MS + 1), true);
});
