// Timestamp texts (SVL-9, GEN-5) and our local ISO 8601 stamp.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Stamper, type StampFormat } from '../../../src/svlogd/stamp.js';
import type { Tai64n } from '../../../src/protocol/tai64n.js';

/** The stamp text without the trailing space, from a fresh Stamper (nothing cached). */
function stampText(format: StampFormat, now: Tai64n): string {
  return new Stamper(format).stamp(now).toString('latin1').replace(/ $/, '');
}

// Observed: `date +%s` = 1795436320 while -t stamped @400000006b042f2a…
const now = { seconds: 1795436320, nanoseconds: 605384500 };

test('-t: @ + 24 hex digits of TAI64N', () => {
  assert.equal(stampText('tai64n', now), '@400000006b042f2a24156f34');
  assert.equal(stampText('tai64n', { seconds: 1795436310, nanoseconds: 603766500 }), '@400000006b042f2023fcbee4');
});

test('-tt / -ttt: UTC with five fraction digits (truncated)', () => {
  assert.equal(stampText('utc', now), '2026-11-23_12:18:40.60538');
  assert.equal(stampText('iso', now), '2026-11-23T12:18:40.60538');
  assert.equal(stampText('utc', { seconds: 0, nanoseconds: 99999500 }), '1970-01-01_00:00:00.09999');
});

test('-T: local time, microseconds and the UTC offset', () => {
  const text = stampText('local', now);
  assert.match(text, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.605384[+-]\d\d:\d\d$/);
  const d = new Date(now.seconds * 1000);
  assert.equal(Number(text.slice(11, 13)), d.getHours());
});

test('Stamper caches and appends one space', () => {
  const stamper = new Stamper('utc');
  const a = stamper.stamp(now);
  assert.equal(a.toString(), '2026-11-23_12:18:40.60538 ');
  assert.equal(stamper.stamp({ ...now }), a, 'the same time gives the same buffer');
  assert.equal(stamper.stamp({ seconds: now.seconds, nanoseconds: 700000500 }).toString(), '2026-11-23_12:18:40.70000 ');
  assert.equal(new Stamper('none').stamp(now).length, 0);
  assert.equal(new Stamper('tai64n').stamp(now).toString(), '@400000006b042f2a24156f34 ');
});
