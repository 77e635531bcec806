// Golden bytes from spec section 10 (written by real runsv 2.1.2) — RSV-9, GEN-5.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  emptyStatusRecord,
  formatPid,
  formatStat,
  packStatus,
  parsePid,
  STATUS_SIZE,
  unpackStatus,
  unpackStatusInto,
  unpackStatusLabel,
  type StatusRecord,
} from '../../../src/protocol/status.js';
import { formatTai64n, parseTai64n, tai64Label, tai64nFromMillis, unpackTai64n } from '../../../src/protocol/tai64n.js';

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
  assert.equal(record.want, 'up');
  assert.equal(record.state, 1);
  assert.equal(record.isPaused, false);
  assert.equal(record.gotTerm, false);
  assert.equal(record.since.nanoseconds % 1000, 500, 'runit stamps end in 500 ns (GEN-5)');

  const finish = unpackStatus(GOLDEN.finishWantDown);
  assert.equal(finish?.pid, 9911);
  assert.equal(finish?.state, 2);
  assert.equal(finish?.want, 'down');
  assert.equal(unpackStatus(GOLDEN.runGotTermWantDown)?.gotTerm, true);
  assert.equal(unpackStatus(GOLDEN.runPaused)?.isPaused, true);
});

test('packStatus reproduces the golden bytes exactly', () => {
  for (const [name, bytes] of Object.entries(GOLDEN)) {
    assert.deepEqual(packStatus(unpackStatus(bytes)!), bytes, name);
  }
});

test('one record type both ways: unpack(pack(x)) deep-equals x', () => {
  const records: StatusRecord[] = [
    { since: { seconds: 1795436320, nanoseconds: 123456500 }, pid: 2 ** 31 + 7, isPaused: true, want: 'down', gotTerm: true, state: 2 },
    { since: { seconds: 0, nanoseconds: 0 }, pid: 0, isPaused: false, want: 'up', gotTerm: false, state: 0 },
    { since: { seconds: 4102444800, nanoseconds: 999999999 }, pid: 1, isPaused: false, want: 'up', gotTerm: false, state: 1 },
  ];
  for (const record of records) assert.deepEqual(unpackStatus(packStatus(record)), record);
});

test('the exact TAI64 label of a record is what sv compares with now (SV-6)', () => {
  assert.equal(unpackStatusLabel(GOLDEN.runWantUp), 0x400000006b042e0an);
  assert.equal(tai64Label(0x6b042e0a - 10), 0x400000006b042e0an);
  const garbage = new Uint8Array(STATUS_SIZE).fill(0xff);
  assert.equal(unpackStatusLabel(garbage), 2n ** 64n - 1n, 'no double rounding for a garbage label');
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
  assert.equal(parsePid('9525\n'), 9525);
  assert.equal(parsePid(''), undefined);
});
