// The events between two reads of a service (issue 21): exact from our statistics' counters,
// best effort from runit's record alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventsBetween, type EventSnapshot } from '../../../src/node-runit/events.js';

const run = (pid: number, starts?: number, restarts?: number): EventSnapshot => ({
  state: 'run',
  pid,
  want: 'up',
  isPaused: false,
  starts,
  restarts,
  lastExit: starts === undefined ? undefined : { code: 3, signal: 0, at: 1 },
});
const kinds = (events: ReturnType<typeof eventsBetween>): string[] => events.map((e) => `${e.type}${e.inferred ? '?' : ''}`);

test('three restarts between two reads are all told, the unseen ones marked inferred', () => {
  const events = eventsBetween('s', run(1, 1, 0), run(5, 4, 3), 'now');
  assert.deepEqual(kinds(events), ['exit?', 'up?', 'restart?', 'exit?', 'up?', 'restart?', 'exit?', 'up', 'restart']);
  assert.deepEqual(events.filter((e) => e.type === 'restart').map((e) => e.restarts), [1, 2, 3]);
  assert.equal(events.at(-2)?.pid, 5);
  assert.equal(events.filter((e) => e.type === 'exit').at(-1)?.code, 3);
});

test('one crash seen as it happens: exit with its code, then down; then up and restart', () => {
  const down: EventSnapshot = { ...run(0, 1, 0), state: 'down' };
  assert.deepEqual(kinds(eventsBetween('s', run(1, 1, 0), down, 'now')), ['exit', 'down']);
  assert.equal(eventsBetween('s', run(1, 1, 0), down, 'now')[0]?.code, 3);
  assert.deepEqual(kinds(eventsBetween('s', down, run(2, 2, 1), 'now')), ['up', 'restart']);
});

test("real runit's record: exit and up from a new pid, no codes", () => {
  const events = eventsBetween('s', run(1), run(2), 'now');
  assert.deepEqual(kinds(events), ['exit', 'up', 'restart']);
  assert.equal('code' in events[0]!, false);
  const stopped = eventsBetween('s', run(1), { ...run(0), state: 'down', want: 'down' }, 'now');
  assert.deepEqual(kinds(stopped), ['want', 'exit', 'down']);
});

test('readiness and backoff (issue 18): ready once per instance, backoff when a hold begins', () => {
  const notReady: EventSnapshot = { ...run(1), ready: false };
  const ready: EventSnapshot = { ...run(1), ready: true };
  assert.deepEqual(kinds(eventsBetween('s', notReady, ready, 'now')), ['ready']);
  assert.deepEqual(kinds(eventsBetween('s', ready, ready, 'now')), []);
  assert.deepEqual(kinds(eventsBetween('s', ready, { ...run(2), ready: true }, 'now')), ['exit', 'up', 'restart', 'ready']);
  const held: EventSnapshot = { ...run(0), state: 'down', backoffUntil: Date.UTC(2026, 11, 5) };
  const events = eventsBetween('s', { ...run(0), state: 'down' }, held, 'now');
  assert.deepEqual(kinds(events), ['backoff']);
  assert.equal(events[0]?.until, '2026-12-05T00:00:00.000Z');
});
