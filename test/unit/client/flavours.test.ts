// Golden records written by the real supervisors on this machine (daemontools 0.76 supervise and
// s6-supervise 2.11.3.2, started in the same second) and a 43-byte s6 2.13 layout.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FLAVOURS, emptyFlavourRecord } from '../../../src/client/flavours.js';
import { toStatus } from '../../../src/client/status.js';

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.trim().split(/\s+/), (byte) => Number.parseInt(byte, 16));
}

const STARTED = 0x6b043dc0 - 10; // Unix seconds of both starts

test('daemontools 18-byte record: little-endian pid, paused, want; state from the pid', () => {
  const record = emptyFlavourRecord();
  assert.ok(FLAVOURS.daemontools.decode(hex('40 00 00 00 6b 04 3d c0 32 6b d8 34 39 19 00 00 00 75'), 18, record));
  assert.deepEqual([record.since.seconds, record.pid, record.state, record.want, record.isPaused], [STARTED, 6457, 1, 'up', false]);
  assert.ok(FLAVOURS.daemontools.decode(hex('40 00 00 00 6b 04 3d c0 32 6b d8 34 39 19 00 00 01 75'), 18, record));
  assert.equal(record.isPaused, true);
  assert.ok(FLAVOURS.daemontools.decode(hex('40 00 00 00 6b 04 3d c2 09 b4 bb cc 00 00 00 00 00 64'), 18, record));
  assert.deepEqual([record.pid, record.state, record.want], [0, 0, 'down']);
  assert.equal(FLAVOURS.daemontools.decode(new Uint8Array(17), 17, record), false);
});

test('s6 35-byte record: pid u64 big-endian, flags, real TAI (leap seconds) stamp', () => {
  const record = emptyFlavourRecord();
  const up = hex('40 00 00 00 6b 04 3d db 32 8b 46 4d 40 00 00 00 6b 04 3d db 32 84 f2 ae 00 00 00 00 00 00 19 3a 00 00 04');
  assert.ok(FLAVOURS.s6.decode(up, 35, record));
  assert.deepEqual([record.since.seconds, record.pid, record.state, record.want, record.isPaused, record.isReady], [STARTED, 6458, 1, 'up', false, false]);
  const down = hex('40 00 00 00 6b 04 3d dd 1b eb de bb 40 00 00 00 6b 04 3d dd 1b fe e3 49 00 00 00 00 00 00 00 00 00 0f 08');
  assert.ok(FLAVOURS.s6.decode(down, 35, record));
  assert.deepEqual([record.pid, record.state, record.want, record.isReady, record.waitStatus], [0, 0, 'down', true, 15]);
  // Bytes 12-23: the ready stamp, real TAI like the first.
  assert.deepEqual(record.readySince, { seconds: STARTED + 2, nanoseconds: 0x1bfee349 });
  assert.equal(toStatus(record, 's6', true, 0).readySince?.getTime(), (STARTED + 2) * 1000 + Math.floor(0x1bfee349 / 1e6));
  assert.ok(FLAVOURS.s6.decode(up, 35, record));
  assert.equal(toStatus(record, 's6', true, 0).readySince, undefined, 'not ready: no ready time');
  assert.equal(FLAVOURS.s6.decode(up, 34, record), false);
});

test('s6 2.13 43-byte record: pgid before wstat; bit 1 is finishing, not "normally up"', () => {
  const bytes = new Uint8Array(43);
  bytes.set(hex('40 00 00 00 6b 04 3d db 00 00 00 00'), 0);
  bytes.set(hex('00 00 00 00 00 00 04 d2'), 24); // pid 1234
  bytes.set(hex('00 00 00 00 00 00 04 d2'), 32); // pgid
  bytes[42] = 0b0011; // paused + finishing
  const record = emptyFlavourRecord();
  assert.ok(FLAVOURS.s6.decode(bytes, 43, record));
  assert.deepEqual([record.pid, record.state, record.isPaused, record.want], [1234, 2, true, 'down']);
  const status = toStatus(record, 's6', true, (STARTED + 5) * 1000);
  assert.deepEqual([status.state, status.uptime, status.normallyUp], ['finish', 5, true]);
});

test('runit: a finishing service is "finish", byte 18 is got TERM (not go-runit reading)', () => {
  const record = emptyFlavourRecord();
  assert.ok(FLAVOURS.runit.decode(hex('40 00 00 00 6b 04 2e 17 37 b0 76 4c b7 26 00 00 00 64 00 02'), 20, record));
  assert.deepEqual([record.state, record.pid, record.gotTerm], [2, 9911, false]);
  assert.ok(FLAVOURS.runit.decode(hex('40 00 00 00 6b 04 2e 17 37 b0 76 4c 9a 26 00 00 00 64 01 01'), 20, record));
  assert.deepEqual([record.state, record.gotTerm, record.want], [1, true, 'down']);
  assert.equal(toStatus(record, 'runit', false, 0).state, 'run');
  assert.equal(FLAVOURS.runit.decode(new Uint8Array(19), 19, record), false);
});
