// Reading svlogd's arguments out of log/run, and svlogd's three stamp forms (issue 21).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineStampMillis, parseSvlogdLine } from '../../../src/node-runit/log-source.js';
import { mergeByTime } from '../../../src/node-runit/log-tail.js';

test('the svlogd line of a log/run: stamp option and directories, options with arguments skipped', () => {
  assert.deepEqual(parseSvlogdLine('#!/bin/sh\nexec svlogd -tt ./main\n'), { stamps: 'tt', dirs: ['./main'] });
  assert.deepEqual(parseSvlogdLine('#!/bin/sh\n# svlogd -t old\nexec chpst -ulog /usr/bin/svlogd -ttt -r _ -l 200 -b2048 "/var/log/my app" ./two 2>&1\n'), {
    stamps: 'ttt',
    dirs: ['/var/log/my app', './two'],
  });
  assert.deepEqual(parseSvlogdLine('exec svlogd -t -v main'), { stamps: 'tai64n', dirs: ['main'] });
  assert.deepEqual(parseSvlogdLine('exec svlogd main'), { stamps: 'none', dirs: ['main'] });
  assert.equal(parseSvlogdLine('exec logger -t app'), undefined);
});

test('stamps: TAI64N, -tt and -ttt, all UTC; a line without one has none', () => {
  assert.equal(lineStampMillis('@4000000000000064000003e8 hi', 'tai64n'), 90_000.001);
  assert.equal(lineStampMillis('2026-12-05_00:13:24.50000 hi', 'tt'), Date.UTC(2026, 11, 5, 0, 13, 24, 500));
  assert.equal(lineStampMillis('2026-12-05T00:13:24.25000 hi', 'ttt'), Date.UTC(2026, 11, 5, 0, 13, 24, 250));
  assert.equal(lineStampMillis('hi', 'tt'), undefined);
  assert.equal(lineStampMillis('2026-12-05_00:13:24.50000 hi', 'none'), undefined);
});

test('merging keeps each service in file order; unstamped lines ride on the stamp before them', () => {
  const merged = mergeByTime([
    [{ service: 'a', line: 'a1', at: 10 }, { service: 'a', line: 'a2' }, { service: 'a', line: 'a3', at: 30 }],
    [{ service: 'b', line: 'b1', at: 20 }],
  ]);
  assert.deepEqual(merged.map((line) => line.line), ['a1', 'a2', 'b1', 'a3']);
});
