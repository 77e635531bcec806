// Golden bytes from spec section 10 (written by real runsv 2.1.2) — RSV-9, GEN-5.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packStatus, unpackStatus, unpackStatusInto, emptyStatusRecord, STATUS_SIZE } from '../../../src/protocol/status.js';
import { formatTai64n, parseTai64n, tai64nFromMillis, unpackTai64n } from '../../../src/protocol/tai64n.js';
import { formatPid, formatStat } from '../../../src/protocol/stat-text.js';

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.trim().split(/\s+/), (byte) => Number.parseInt(byte, 16));
}

const GOLDEN = {
  runWantUp: hex('40 00 00 00 6b 04 2e 0a 31 df 86 54 35 25 00 00 00 75 00 01'),
  downWantDown: hex('40 00 00 00 6b 04 2e 10 10 7f 88 9c 00 00 00 00 00 64 00 00'),
  runPaused: hex('40 00 00 00 6b 04 2e 10 23 19 29 2c f3 25 00 00 01 75 00 01'),
  runGotTermWantDown: hex('40 00 00 00 6b 04 2e 17 37 b0 76 4c 9a 26 00 00 00 64 01 01'),
  finishWantDown: hex('40 00 00 00 6b 04 2e 17 37 b0 76 4c b7 26 00 00 00 64 00 02'),
};

test('unpackStatus decodes real runsv bytes: little-endian pid, want, state (RSV-9)', () => {
  const record = unpackStatus(GOLDEN.runWantUp);
  assert.ok(record);
  assert.equal(record.pid, 9525);
  assert.equal(record.wantUp, true);
  assert.equal(record.state, 1);
  assert.equal(record.isPaused, false);
  assert.equal(record.gotTerm, false);
  assert.equal(record.nanoseconds % 1000, 500, 'runit stamps end in 500 ns (GEN-5)');

  const finish = unpackStatus(GOLDEN.finishWantDown);
  assert.equal(finish?.pid, 9911);
  assert.equal(finish?.state, 2);
  assert.equal(finish?.wantUp, false);
  assert.equal(unpackStatus(GOLDEN.runGotTermWantDown)?.gotTerm, true);
  assert.equal(unpackStatus(GOLDEN.runPaused)?.isPaused, true);
});

test('packStatus reproduces the golden bytes exactly', () => {
  for (const [name, bytes] of Object.entries(GOLDEN)) {
    const record = unpackStatus(bytes)!;
    const packed = packStatus({
      since: { seconds: record.seconds, nanoseconds: record.nanoseconds },
      pid: record.pid,
      isPaused: record.isPaused,
      want: record.wantUp ? 'up' : 'down',
      gotTerm: record.gotTerm,
      state: record.state as 0 | 1 | 2,
    });
    assert.deepEqual(packed, bytes, name);
  }
});

test('want exit is written as d (RSV-9)', () => {
  const packed = packStatus({ since: { seconds: 0, nanoseconds: 500 }, pid: 1, isPaused: false, want: 'exit', gotTerm: false, state: 1 });
  assert.equal(packed[17], 0x64);
});

test('unpackStatusInto refuses short records and refills a record in place', () => {
  const record = emptyStatusRecord();
  assert.equal(unpackStatusInto(GOLDEN.runWantUp.subarray(0, STATUS_SIZE - 1), record), false);
  assert.equal(unpackStatusInto(GOLDEN.downWantDown, record), true);
  assert.equal(record.pid, 0);
  assert.equal(record.state, 0);
});

test('TAI64 label is Unix + 10 + 2^62 (GEN-5 observation)', () => {
  const stamp = { seconds: 1795436320, nanoseconds: 0 };
  assert.match(formatTai64n(stamp), /^@400000006b042f2a00000000$/);
  assert.deepEqual(parseTai64n('@400000006b042ed0047ba6d4'), unpackTai64n(hex('40 00 00 00 6b 04 2e d0 04 7b a6 d4'), 0));
  assert.equal(parseTai64n('@nothex'), undefined);
});

test('tai64nFromMillis keeps microseconds and adds 500 ns', () => {
  const stamp = tai64nFromMillis(1795436320123.456);
  assert.equal(stamp.seconds, 1795436320);
  assert.equal(stamp.nanoseconds, 123456500);
});

test('stat and pid texts (RSV-10, RSV-11)', () => {
  assert.equal(formatStat(0, false, false, 'up'), 'down\n');
  assert.equal(formatStat(0, false, false, 'down'), 'down\n');
  assert.equal(formatStat(1, true, false, 'up'), 'run, paused\n');
  assert.equal(formatStat(1, false, true, 'down'), 'run, got TERM, want down\n');
  assert.equal(formatStat(2, false, false, 'down'), 'finish, want down\n');
  assert.equal(formatStat(1, false, false, 'exit'), 'run, want exit\n');
  assert.equal(formatPid(9525), '9525\n');
  assert.equal(formatPid(0), '');
});
