// The run statistics (supervise/stats, docs/node-runit.md): the codec, what survives a
// supervisor restart, and the Supervisor telling the keeper of every start and exit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CRASH_LOOP_RUNS,
  emptyRunStats,
  formatRunStats,
  isCrashLoop,
  parseRunStats,
  SHORT_RUN_MILLIS,
} from '../../../src/protocol/run-stats.js';
import type { ChildExit } from '../../../src/runsv/record.js';
import { RunStatsKeeper } from '../../../src/runsv/run-stats.js';
import { Supervisor } from '../../../src/runsv/supervisor.js';
import { FakeClock, settle } from '../../helpers/fake-clock.js';
import { FakeEffects } from './fake-effects.js';

test('the stats text round-trips, and anything else reads as no stats', () => {
  const stats = { ...emptyRunStats(1000), restarts: 3, totalStarts: 9, shortRuns: 2, lastExit: { code: null, signal: 9, at: 5000, runMillis: 12 } };
  const text = formatRunStats(stats);
  assert.match(text, /^\{.*\}\n$/);
  assert.deepEqual(parseRunStats(text), stats);
  for (const bad of ['', 'run\n', '{"version":2}', '{"version":1,"restarts":-1}', JSON.stringify({ ...stats, lastExit: { code: 'x' } }), '{"version":1']) {
    assert.equal(parseRunStats(bad), undefined, bad);
  }
});

test('a crash loop is CRASH_LOOP_RUNS short runs, until a run outlives SHORT_RUN_MILLIS', () => {
  const stats = { ...emptyRunStats(0), shortRuns: CRASH_LOOP_RUNS - 1 };
  assert.equal(isCrashLoop(stats, false, 0), false);
  stats.shortRuns++;
  assert.equal(isCrashLoop(stats, false, 0), true);
  assert.equal(isCrashLoop(stats, true, SHORT_RUN_MILLIS - 1), true);
  assert.equal(isCrashLoop(stats, true, SHORT_RUN_MILLIS), false);
});

test('the keeper counts restarts from its own start; total starts, last exit and the streak survive a restart', () => {
  const clock = new FakeClock();
  const written: string[] = [];
  const first = new RunStatsKeeper(clock, undefined, (text) => written.push(text));
  first.started(10);
  clock.advance(50);
  first.exited({ code: 3, signal: 0 }, false);
  first.started(10);
  assert.equal(first.stats.restarts, 1);
  assert.equal(first.stats.totalStarts, 2);
  assert.deepEqual(first.stats.lastExit, { code: 3, signal: 0, at: 1_795_436_320_050, runMillis: 50 });
  assert.equal(first.stats.shortRuns, 1);
  const second = new RunStatsKeeper(clock, written.at(-1), () => {});
  assert.equal(second.stats.restarts, 0);
  assert.equal(second.stats.totalStarts, 2);
  assert.deepEqual(second.stats.lastExit, first.stats.lastExit);
  assert.equal(second.stats.shortRuns, 1);
  second.started(11);
  assert.equal(second.stats.restarts, 0, "a new supervisor's first start is no restart");
  clock.advance(SHORT_RUN_MILLIS);
  second.exited({ code: 0, signal: 0 }, false);
  assert.equal(second.stats.shortRuns, 0, 'a long run ends the streak');
  second.started(11);
  second.exited({ code: null, signal: 15 }, true);
  assert.equal(second.stats.shortRuns, 0, 'a requested stop is no crash');
});

async function bootWithStats() {
  const clock = new FakeClock();
  const keeper = new RunStatsKeeper(clock, undefined, () => {});
  const effects = new FakeEffects();
  const order: string[] = [];
  Object.assign(effects, {
    runStarted: (pid: number) => (keeper.started(pid), order.push('started')),
    runExited: (exit: ChildExit, isRequested: boolean) => (keeper.exited(exit, isRequested), order.push(`exited ${isRequested}`)),
  });
  const supervisor = new Supervisor(effects, clock, { isNormallyDown: false, hasLog: false, isLogNormallyDown: false });
  supervisor.publish(false);
  void supervisor.run();
  await settle();
  return { clock, effects, keeper, supervisor, order };
}

test('the Supervisor reports each start and exit of ./run: 100 crashes are 100 restarts', async () => {
  const { clock, effects, keeper } = await bootWithStats();
  for (let i = 0; i < 100; i++) {
    clock.advance(200);
    effects.last('run').exit({ code: i % 256, signal: 0 });
    await settle();
    // The one-second rule (RSV-22) holds a restart within the second the run started in.
    if (clock.pendingTimers() > 0) clock.advance(1000);
    await settle();
  }
  assert.equal(effects.started.length, 101);
  assert.equal(keeper.stats.restarts, 100);
  assert.equal(keeper.stats.totalStarts, 101);
  assert.equal(keeper.stats.lastExit?.code, 99);
  assert.equal(keeper.stats.lastExit?.runMillis, 200);
  assert.equal(keeper.stats.shortRuns, 100);
});

test('finish is not a run, and sv down makes the exit a requested one', async () => {
  const { clock, effects, keeper, supervisor, order } = await bootWithStats();
  effects.hasFinish = true;
  clock.advance(2000);
  supervisor.enqueueControl(false, 'd');
  await settle();
  effects.last('run').exit({ code: null, signal: 15 });
  await settle();
  effects.last('finish').exit({ code: 0, signal: 0 });
  await settle();
  assert.deepEqual(order, ['started', 'exited true']);
  assert.deepEqual(keeper.stats.lastExit, { code: null, signal: 15, at: 1_795_436_322_000, runMillis: 2000 });
  assert.equal(keeper.stats.shortRuns, 0);
});
