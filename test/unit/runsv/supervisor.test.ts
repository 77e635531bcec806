// The runsv state machine driven by a fake clock and fake effects (RSV-7..RSV-31).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Supervisor } from '../../../src/runsv/supervisor.js';
import { FakeClock, settle } from '../../helpers/fake-clock.js';
import { FakeEffects } from './fake-effects.js';

interface Options {
  isNormallyDown?: boolean;
  hasLog?: boolean;
  isLogNormallyDown?: boolean;
}

async function boot(options: Options = {}, prepare?: (effects: FakeEffects) => void) {
  const clock = new FakeClock();
  const effects = new FakeEffects();
  prepare?.(effects);
  const supervisor = new Supervisor(effects, clock, {
    isNormallyDown: options.isNormallyDown ?? false,
    hasLog: options.hasLog ?? false,
    isLogNormallyDown: options.isLogNormallyDown ?? false,
  });
  supervisor.publish(false);
  supervisor.publish(true);
  let exitCode: number | undefined;
  void supervisor.run().then((code) => (exitCode = code));
  await settle();
  return { clock, effects, supervisor, exitCode: () => exitCode };
}

test('start-up writes down status, then starts ./run and records pid and state (RSV-3, RSV-17)', async () => {
  const { effects } = await boot({ hasLog: true });
  assert.deepEqual(effects.events, ['start log', 'start run']);
  assert.equal(effects.status.main?.state, 1);
  assert.equal(effects.status.main?.pid, 101);
  assert.equal(effects.statText.main[0], 'down\n');
  assert.equal(effects.statText.main.at(-1), 'run\n');
  // RSV-12: the main service's first update consumed the pid flag, so the log had no pid file
  // until its child started.
  assert.deepEqual(effects.pidText.main, ['', '101\n']);
  assert.deepEqual(effects.pidText.log, ['100\n']);
});

test('a down file keeps the service down with want down (RSV-2)', async () => {
  const { effects } = await boot({ isNormallyDown: true });
  assert.deepEqual(effects.events, []);
  assert.equal(effects.status.main?.want, 'down');
});

test('a crash in the same second sleeps one full second, ignoring commands meanwhile (RSV-22)', async () => {
  const { effects, clock, supervisor } = await boot();
  clock.advance(100);
  effects.last('run').exit({ code: 1, signal: 0 });
  await settle();
  assert.equal(effects.status.main?.state, 0);
  supervisor.enqueueControl(false, 'd');
  await settle();
  assert.equal(effects.status.main?.want, 'up', 'the d waits for the end of the sleep');
  assert.equal(effects.started.length, 1);
  clock.advance(999);
  await settle();
  assert.equal(effects.started.length, 1);
  clock.advance(1);
  await settle();
  assert.equal(effects.status.main?.want, 'down', 'd processed after the sleep');
  assert.equal(effects.started.length, 1, 'want down: no restart');
});

test('a run of one second or more restarts at once (RSV-22)', async () => {
  const { effects, clock } = await boot();
  clock.advance(1000);
  effects.last('run').exit({ code: 0, signal: 0 });
  await settle();
  assert.equal(effects.started.length, 2);
  assert.equal(clock.pendingTimers(), 0);
});

test('a short run that crosses a second boundary still sleeps: stamps compare at full precision (RSV-22)', async () => {
  // Issue 15: whole seconds let a 0.6 s run from x.7 to y.3 restart at once; runit's taia_less does not.
  const { effects, clock } = await boot();
  clock.advance(1700);
  effects.last('run').exit({ code: 0, signal: 0 });
  await settle();
  assert.equal(effects.started.length, 2, 'the first run lasted 1.7 s');
  clock.advance(600);
  effects.last('run').exit({ code: 0, signal: 0 });
  await settle();
  assert.equal(effects.started.length, 2, 'a 0.6 s run into the next second waits');
  clock.advance(999);
  await settle();
  assert.equal(effects.started.length, 2);
  clock.advance(1);
  await settle();
  assert.equal(effects.started.length, 3, 'restarted after one full second');
  clock.advance(999);
  effects.last('run').exit({ code: 0, signal: 0 });
  await settle();
  assert.equal(clock.pendingTimers(), 1, '999 ms is still less than a second');
});

test('TERM during the 1-second sleep: ./run is started once more, then stopped (RSV-22, RSV-31)', async () => {
  // Issue 15: runsv blocks SIGTERM outside its wait, so the restart comes first, as under runit.
  const { effects, clock, supervisor, exitCode } = await boot();
  clock.advance(100);
  effects.last('run').exit({ code: 0, signal: 0 });
  await settle();
  supervisor.terminate();
  await settle();
  assert.equal(effects.status.main?.want, 'up', 'the TERM waits for the end of the sleep');
  clock.advance(1000);
  await settle();
  assert.equal(effects.started.length, 2, 'run started once more');
  const pid = effects.last('run').pid;
  assert.deepEqual(effects.events.slice(-3), ['start run', `signal ${pid} SIGTERM`, `signal ${pid} SIGCONT`]);
  assert.equal(effects.statText.main.at(-1), 'run, got TERM, want exit\n');
  clock.advance(2000);
  effects.last('run').exit({ code: null, signal: 15 });
  await settle();
  assert.equal(exitCode(), 0);
  assert.equal(effects.started.length, 2);
});

test('TERM while waiting is handled in the same iteration, without a start (RSV-31)', async () => {
  const { effects, supervisor, exitCode } = await boot({ isNormallyDown: true });
  supervisor.terminate();
  await settle();
  assert.equal(exitCode(), 0);
  assert.equal(effects.started.length, 0);
});

test('finish gets the exit code or -1 and the signal, keeps the run start time (RSV-8, RSV-19, RSV-20)', async () => {
  const { effects, clock } = await boot({}, (h) => (h.hasFinish = true));
  const runSince = effects.status.main!.since.seconds;
  clock.advance(2000);
  effects.last('run').exit({ code: 3, signal: 0 });
  await settle();
  assert.deepEqual(effects.last('finish').args, ['3', '0']);
  assert.equal(effects.status.main?.state, 2);
  assert.equal(effects.status.main?.pid, effects.last('finish').pid);
  assert.equal(effects.status.main?.since.seconds, runSince);
  effects.last('finish').exit({ code: 0, signal: 0 });
  await settle();
  clock.advance(1000);
  await settle();
  effects.last('run').exit({ code: null, signal: 9 });
  await settle();
  assert.deepEqual(effects.last('finish').args, ['-1', '9']);
});

test('d sends TERM then CONT, sets got TERM, and the service stays down (RSV-24, RSV-27)', async () => {
  const { effects, supervisor, clock } = await boot();
  const pid = effects.last('run').pid;
  supervisor.enqueueControl(false, 'd');
  await settle();
  assert.deepEqual(effects.events.slice(-2), [`signal ${pid} SIGTERM`, `signal ${pid} SIGCONT`]);
  assert.equal(effects.statText.main.at(-1), 'run, got TERM, want down\n');
  clock.advance(2000);
  effects.last('run').exit({ code: null, signal: 15 });
  await settle();
  assert.equal(effects.statText.main.at(-1), 'down\n');
  assert.equal(effects.status.main?.gotTerm, false);
  assert.equal(effects.started.length, 1);
});

test('o starts a down service once; t with want up sends TERM only', async () => {
  const { effects, supervisor, clock } = await boot({ isNormallyDown: true });
  supervisor.enqueueControl(false, 'o');
  await settle();
  assert.equal(effects.started.length, 1);
  assert.equal(effects.statText.main.at(-1), 'run, want down\n');
  clock.advance(1500);
  effects.last('run').exit({ code: 0, signal: 0 });
  await settle();
  assert.equal(effects.started.length, 1, 'once: not restarted');
  supervisor.enqueueControl(false, 'u');
  await settle();
  const pid = effects.last('run').pid;
  supervisor.enqueueControl(false, 't');
  await settle();
  assert.equal(effects.events.at(-1), `signal ${pid} SIGTERM`);
});

test('p and c stop and continue, the paused flag is set even while down (RSV-25)', async () => {
  const { effects, supervisor } = await boot({ isNormallyDown: true });
  supervisor.enqueueControl(false, 'p');
  await settle();
  assert.equal(effects.status.main?.isPaused, true);
  assert.deepEqual(effects.events, []);
  supervisor.enqueueControl(false, 'u');
  await settle();
  assert.equal(effects.status.main?.isPaused, false, 'a start clears paused');
  const pid = effects.last('run').pid;
  supervisor.enqueueControl(false, 'pc');
  await settle();
  assert.deepEqual(effects.events.slice(-2), [`signal ${pid} SIGSTOP`, `signal ${pid} SIGCONT`]);
  assert.deepEqual(effects.statText.main.slice(-2), ['run, paused\n', 'run\n']);
});

test('signal bytes only reach a running service; hooks that exit 0 replace them (RSV-24, RSV-28)', async () => {
  const { effects, supervisor } = await boot({}, (h) => {
    h.hooks.set('h', true);
    h.hooks.set('a', false);
    h.hooks.set('u', false);
  });
  assert.deepEqual(effects.events.slice(0, 2), ['hook u', 'start run']);
  const pid = effects.last('run').pid;
  supervisor.enqueueControl(false, 'hai12q');
  await settle();
  assert.deepEqual(effects.events.slice(2), [
    'hook h',
    'hook a',
    `signal ${pid} SIGALRM`,
    `signal ${pid} SIGINT`,
    `signal ${pid} SIGUSR1`,
    `signal ${pid} SIGUSR2`,
    `signal ${pid} SIGQUIT`,
  ]);
});

test('a control/t hook that exits 0 suppresses TERM; want down still gets CONT and the d hook', async () => {
  const { effects, supervisor } = await boot({}, (h) => {
    h.hooks.set('t', true);
    h.hooks.set('d', false);
  });
  const pid = effects.last('run').pid;
  supervisor.enqueueControl(false, 'd');
  await settle();
  assert.deepEqual(effects.events.slice(-3), ['hook t', `signal ${pid} SIGCONT`, 'hook d']);
  assert.equal(effects.status.main?.gotTerm, false);
});

test('k forces state down without an update; a later u TERMs the old pid and starts anew (RSV-26)', async () => {
  const { effects, supervisor } = await boot();
  const old = effects.last('run');
  const updates = effects.statText.main.length;
  supervisor.enqueueControl(false, 'k');
  await settle();
  assert.equal(effects.events.at(-1), `signal ${old.pid} SIGKILL`);
  assert.equal(effects.statText.main.length, updates, 'k writes nothing');
  supervisor.enqueueControl(false, 'u');
  await settle();
  assert.equal(effects.started.length, 2);
  assert.ok(effects.events.includes(`signal ${old.pid} SIGTERM`));
  old.exit({ code: null, signal: 9 });
  await settle();
  assert.equal(effects.status.main?.pid, effects.last('run').pid, 'the old pid is ignored when reaped');
});

test('x stops the service, then the log gets want exit and EOF, and runsv exits 0 (RSV-29)', async () => {
  const { effects, supervisor, clock, exitCode } = await boot({ hasLog: true });
  supervisor.enqueueControl(false, 'x');
  await settle();
  assert.equal(effects.statText.main.at(-1), 'run, got TERM, want down\n'.replace('want down', 'want exit'));
  clock.advance(2000);
  effects.last('run').exit({ code: null, signal: 15 });
  await settle();
  assert.equal(effects.events.at(-1), 'close logpipe');
  assert.equal(effects.status.log?.stat, 'run, want exit\n');
  assert.equal(exitCode(), undefined);
  effects.last('log').exit({ code: 0, signal: 0 });
  await settle();
  assert.equal(exitCode(), 0);
  assert.equal(effects.started.filter((s) => s.kind === 'log').length, 1, 'the log is not restarted');
});

test('terminate() acts as x; x is ignored by the log control (RSV-24, RSV-31)', async () => {
  const { effects, supervisor, clock, exitCode } = await boot({ hasLog: true, isLogNormallyDown: true });
  supervisor.enqueueControl(true, 'x');
  await settle();
  assert.equal(effects.status.log?.stat, 'down\n');
  supervisor.terminate();
  await settle();
  clock.advance(1500);
  effects.last('run').exit({ code: 0, signal: 0 });
  await settle();
  assert.equal(exitCode(), 0, 'log down: exit at once');
});

test('an exec failure counts as exit 111 and finish sees "111 0" (RSV-17, RSV-19)', async () => {
  const { effects, clock } = await boot({}, (h) => {
    h.execFails = true;
    h.hasFinish = true;
  });
  await settle();
  assert.deepEqual(effects.events, ['start run', 'start finish 111 0']);
  clock.advance(1000);
  await settle();
  assert.equal(effects.events.length, 4, 'retried after the 1-second sleep');
  assert.equal(effects.status.main?.state, 0);
  assert.equal(effects.status.main?.pid, 0);
});
