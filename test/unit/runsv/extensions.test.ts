// The extension files' hooks in the Supervisor (docs/extensions.md), driven by a fake clock and
// fake effects: readiness, down-signal, timeout-kill, timeout-finish, restart-backoff and
// dependencies.d. A plain runit directory gets no hooks at all (supervisor.test.ts covers it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from '../../../src/runsv/backoff.js';
import { findCycles } from '../../../src/runsv/dependencies.js';
import { ServiceExtensions, hooksFor } from '../../../src/runsv/extensions.js';
import { PLAIN_RUNIT, type ServiceOptions } from '../../../src/runsv/service-options.js';
import { Supervisor } from '../../../src/runsv/supervisor.js';
import { NO_HOOKS } from '../../../src/runsv/supervisor-hooks.js';
import { FakeClock, settle } from '../../helpers/fake-clock.js';
import { FakeEffects } from './fake-effects.js';
import { FakeExtensionEffects } from './fake-extension-effects.js';

async function boot(options: Partial<ServiceOptions>, prepare?: (effects: FakeEffects, ext: FakeExtensionEffects) => void) {
  const clock = new FakeClock();
  const effects = new FakeEffects();
  const ext = new FakeExtensionEffects(effects);
  prepare?.(effects, ext);
  const hooks = new ServiceExtensions(ext, clock, 'self', { ...PLAIN_RUNIT, ...options });
  const supervisor = new Supervisor(effects, clock, { isNormallyDown: false, hasLog: false, isLogNormallyDown: false, hooks });
  supervisor.publish(false);
  void supervisor.run();
  await settle();
  return { clock, effects, ext, supervisor };
}

test('a plain runit directory gets no hooks', () => {
  const effects = new FakeEffects();
  assert.equal(hooksFor(new FakeExtensionEffects(effects), new FakeClock(), 'x', PLAIN_RUNIT), NO_HOOKS);
});

test('readiness: ready on the notice of the current instance, removed before the death is published', async () => {
  const { effects, ext, clock } = await boot({ notificationFd: 3 });
  const run = effects.last('run');
  assert.equal(typeof run.notice, 'function', 'only ./run gets a notification channel');
  assert.equal(ext.ready, undefined);
  clock.advance(1500);
  run.notice!({ isReady: true });
  assert.equal(ext.readyWrites.at(-1)?.seconds, clock.now().seconds);
  let stateWhenRemoved: number | undefined;
  ext.writeReady = (stamp) => {
    ext.ready = stamp;
    stateWhenRemoved = effects.status.main?.state;
  };
  run.exit({ code: 0, signal: 0 });
  await settle();
  assert.equal(ext.ready, undefined);
  assert.equal(stateWhenRemoved, 1, 'ready goes before the status says down');
  // A late notice of the dead instance does not make the next one ready.
  clock.advance(1000);
  await settle();
  run.notice!({ isReady: true });
  assert.equal(ext.ready, undefined);
  effects.last('run').notice!({ isReady: true });
  assert.notEqual(ext.ready, undefined);
});

test('readiness: RELOADING=1 and STOPPING=1 take it back, READY=1 gives it again', async () => {
  const { effects, ext } = await boot({ notifySocket: true });
  const run = effects.last('run');
  run.notice!({ isReady: true, statusText: 'serving' });
  assert.notEqual(ext.ready, undefined);
  assert.equal(ext.notes?.statusText, 'serving');
  run.notice!({ isReloading: true });
  assert.equal(ext.ready, undefined);
  run.notice!({ isReady: true, mainPid: 4242 });
  assert.notEqual(ext.ready, undefined);
  assert.deepEqual(ext.notes, { statusText: 'serving', mainPid: 4242 });
  run.notice!({ isStopping: true });
  assert.equal(ext.ready, undefined);
});

test('down-signal: d and x send it instead of TERM; t still sends TERM', async () => {
  const { effects, supervisor } = await boot({ downSignal: 'SIGQUIT' });
  const pid = effects.last('run').pid;
  supervisor.enqueueControl(false, 't');
  await settle();
  assert.deepEqual(effects.events.slice(-1), [`signal ${pid} SIGTERM`]);
  supervisor.enqueueControl(false, 'd');
  await settle();
  assert.deepEqual(effects.events.slice(-2), [`signal ${pid} SIGQUIT`, `signal ${pid} SIGCONT`]);
});

test('timeout-kill: SIGKILL that long after the stop signal, unless the service died first', async () => {
  const { effects, supervisor, clock } = await boot({ timeoutKill: 2000 });
  const first = effects.last('run');
  supervisor.enqueueControl(false, 'd');
  await settle();
  clock.advance(1999);
  assert.ok(!effects.events.includes(`signal ${first.pid} SIGKILL`));
  clock.advance(1);
  assert.ok(effects.events.includes(`signal ${first.pid} SIGKILL`));
  first.exit({ code: null, signal: 9 });
  await settle();
  supervisor.enqueueControl(false, 'u');
  await settle();
  const second = effects.last('run');
  supervisor.enqueueControl(false, 'd');
  await settle();
  clock.advance(500);
  second.exit({ code: 0, signal: 0 });
  await settle();
  clock.advance(5000);
  assert.ok(!effects.events.includes(`signal ${second.pid} SIGKILL`), 'a dead child is not killed');
  assert.equal(clock.pendingTimers(), 0);
});

test('timeout-kill: a t (restart) is not escalated', async () => {
  const { effects, supervisor, clock } = await boot({ timeoutKill: 100 });
  supervisor.enqueueControl(false, 't');
  await settle();
  clock.advance(1000);
  assert.ok(!effects.events.some((event) => event.endsWith('SIGKILL')));
});

test('timeout-finish: a ./finish running that long is killed', async () => {
  const { effects, clock } = await boot({ timeoutFinish: 300 }, (fake) => (fake.hasFinish = true));
  clock.advance(2000);
  effects.last('run').exit({ code: 3, signal: 0 });
  await settle();
  const finish = effects.last('finish');
  clock.advance(299);
  assert.ok(!effects.events.includes(`signal ${finish.pid} SIGKILL`));
  clock.advance(1);
  assert.ok(effects.events.includes(`signal ${finish.pid} SIGKILL`));
});

test('Backoff.delayAfter doubles from FIRST up to MAX', () => {
  const schedule = { first: 100, max: 1000 };
  assert.deepEqual([1, 2, 3, 4, 5, 6, 40].map((n) => Backoff.delayAfter(n, schedule)), [100, 200, 400, 800, 1000, 1000, 1000]);
});

test('restart-backoff: a crash loop restarts on the schedule, and stable uptime resets it', async () => {
  const { effects, ext, clock } = await boot({ restartBackoff: { first: 100, max: 1000 } });
  const startTimes: number[] = [clock.monotonicMillis()];
  for (let crash = 0; crash < 6; crash++) {
    effects.last('run').exit({ code: 1, signal: 0 });
    await settle();
    const before = effects.started.length;
    const delay = ext.backoff!.delay;
    clock.advance(delay - 1);
    await settle();
    assert.equal(effects.started.length, before, `no restart before ${delay} ms`);
    clock.advance(1);
    await settle();
    assert.equal(effects.started.length, before + 1, `restart after ${delay} ms`);
    assert.equal(ext.backoff, undefined, 'supervise/backoff goes with the restart');
    startTimes.push(clock.monotonicMillis());
  }
  const gaps = startTimes.slice(1).map((at, index) => at - startTimes[index]!);
  assert.deepEqual(gaps, [100, 200, 400, 800, 1000, 1000]);
  clock.advance(1000); // stayed up MAX ms: the schedule starts over
  effects.last('run').exit({ code: 1, signal: 0 });
  await settle();
  assert.equal(ext.backoff?.delay, 100);
  assert.equal(ext.backoff?.crashes, 1);
});

test('restart-backoff: commands are obeyed while a restart is held; d keeps it down', async () => {
  const { effects, ext, clock, supervisor } = await boot({ restartBackoff: { first: 5000, max: 60000 } });
  effects.last('run').exit({ code: 1, signal: 0 });
  await settle();
  assert.equal(ext.backoff?.delay, 5000);
  supervisor.enqueueControl(false, 'd');
  await settle();
  assert.equal(effects.status.main?.want, 'down', 'no one-second sleep swallowing the command');
  clock.advance(6000);
  await settle();
  assert.equal(effects.started.length, 1);
});

test('restart-backoff: a restart asked for (t) is not delayed', async () => {
  const { effects, ext, supervisor } = await boot({ restartBackoff: { first: 5000, max: 60000 } });
  supervisor.enqueueControl(false, 't');
  await settle();
  effects.last('run').exit({ code: null, signal: 15 });
  await settle();
  assert.equal(ext.backoff, undefined);
  assert.equal(effects.started.length, 2);
});

test('dependencies.d: ./run waits for each dependency, saying why, and starts once all are satisfied', async () => {
  const { effects, clock } = await boot({ dependencies: ['a', 'b'] }, (_, ext) => {
    ext.siblings.set('a', 'not-ready');
  });
  assert.equal(effects.started.length, 0);
  assert.deepEqual(effects.warnings, ['waiting for dependency a: not ready', 'waiting for dependency b: no such service']);
  clock.advance(1000);
  await settle();
  assert.equal(effects.warnings.length, 2, 'each reason is reported once');
});

test('dependencies.d: satisfied later starts the service; a later death of the dependency does not stop it', async () => {
  let fake!: FakeExtensionEffects;
  const { effects, clock } = await boot({ dependencies: ['a'] }, (_, ext) => {
    fake = ext;
    ext.siblings.set('a', 'down');
  });
  assert.equal(effects.started.length, 0);
  fake.siblings.set('a', 'satisfied');
  clock.advance(200);
  await settle();
  assert.equal(effects.started.length, 1);
  fake.siblings.set('a', 'down');
  clock.advance(1000);
  await settle();
  assert.ok(!effects.events.some((event) => event.includes('SIG')), 'B keeps running');
});

test('dependencies.d: a cycle is reported and not waited for', async () => {
  const { effects } = await boot({ dependencies: ['a'] }, (_, ext) => {
    ext.siblings.set('a', 'down');
    ext.siblingDeps.set('a', ['b']);
    ext.siblingDeps.set('b', ['self']);
  });
  assert.deepEqual(effects.warnings, ['dependency cycle: self -> a -> b -> self, not waiting for a']);
  assert.equal(effects.started.length, 1);
});

test('findCycles finds only the dependencies that lead back', () => {
  const graph: Record<string, string[]> = { a: ['c'], b: ['x'], c: ['me'], x: ['b'] };
  const cycles = findCycles('me', ['a', 'b'], (name) => graph[name] ?? []);
  assert.deepEqual([...cycles], [['a', ['me', 'a', 'c', 'me']]]);
});

test('watchdog: SIGABRT when WATCHDOG=1 does not come in time; each ping starts it over; trigger fires now', async () => {
  const { effects, clock } = await boot({ notifySocket: true, watchdog: 1000 });
  const run = effects.last('run');
  clock.advance(900);
  run.notice!({ isWatchdogPing: true });
  clock.advance(900);
  assert.ok(!effects.events.includes(`signal ${run.pid} SIGABRT`), 'the ping started the time-out over');
  clock.advance(100);
  assert.ok(effects.events.includes(`signal ${run.pid} SIGABRT`));
  assert.deepEqual(effects.warnings, [`watchdog timeout, sending SIGABRT to ${run.pid}`]);
  run.exit({ code: null, signal: 6 });
  await settle();
  const next = effects.last('run');
  assert.notEqual(next.pid, run.pid);
  next.notice!({ isWatchdogTrigger: true });
  clock.advance(0);
  assert.ok(effects.events.includes(`signal ${next.pid} SIGABRT`));
  next.exit({ code: null, signal: 6 });
  await settle();
  effects.last('run').exit({ code: 0, signal: 0 });
  await settle();
  clock.advance(5000);
  assert.equal(effects.events.filter((event) => event.endsWith('SIGABRT')).length, 2, 'a dead instance is not watched');
});
