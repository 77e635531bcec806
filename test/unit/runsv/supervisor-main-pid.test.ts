// MAINPID= in the state machine (main-pid.ts, issue 20): the current instance of ./run names a
// new main process; the supervisor follows it (status and pid show it, signals reach it, its
// exit is the service's exit: ./finish, then the restart), ignores the old one's exit, and takes
// the name only from the current instance, while it runs and is wanted up, and only when the
// effects accept the pid (a descendant: checked on /proc by SystemEffects, faked here).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChildExit } from '../../../src/runsv/record.js';
import { ServiceExtensions } from '../../../src/runsv/extensions.js';
import { PLAIN_RUNIT } from '../../../src/runsv/service-options.js';
import { Supervisor } from '../../../src/runsv/supervisor.js';
import { FakeClock, settle } from '../../helpers/fake-clock.js';
import { FakeEffects } from './fake-effects.js';
import { FakeExtensionEffects } from './fake-extension-effects.js';

class FollowingEffects extends FakeEffects {
  /** Pids the fake /proc check accepts. */
  readonly descendants = new Set<number>();
  readonly followed = new Map<number, (exit: ChildExit) => void>();

  followMainPid(current: number, named: number, onExit: (exit: ChildExit) => void): boolean {
    this.events.push(`follow ${current} -> ${named}`);
    if (!this.descendants.has(named)) return false;
    this.followed.set(named, onExit);
    return true;
  }
}

async function boot() {
  const clock = new FakeClock();
  const effects = new FollowingEffects();
  const ext = new FakeExtensionEffects(effects);
  const hooks = new ServiceExtensions(ext, clock, 'self', { ...PLAIN_RUNIT, notifySocket: true });
  const supervisor = new Supervisor(effects, clock, { isNormallyDown: false, hasLog: false, isLogNormallyDown: false, hooks });
  supervisor.publish(false);
  void supervisor.run();
  await settle();
  return { clock, effects, ext, supervisor };
}

test('MAINPID= of a descendant: status shows it, signals go to it, the old exit is ignored, its exit restarts', async () => {
  const { clock, effects, ext, supervisor } = await boot();
  const run = effects.last('run');
  run.notice!({ isReady: true });
  effects.descendants.add(555);
  run.notice!({ mainPid: 555, isReady: true });
  assert.equal(effects.status.main?.pid, 555);
  assert.equal(effects.pidText.main.at(-1), '555\n');
  assert.notEqual(ext.ready, undefined, 'still ready: the successor said so');

  run.exit({ code: 0, signal: 0 });
  await settle();
  assert.equal(effects.status.main?.pid, 555, 'the old process exiting is not the service exiting');
  assert.equal(effects.started.filter((s) => s.kind === 'run').length, 1);

  supervisor.enqueueControl(false, 'h');
  await settle();
  assert.equal(effects.events.at(-1), 'signal 555 SIGHUP');
  // Notices through the same socket now speak for the successor.
  run.notice!({ isStopping: true });
  assert.equal(ext.ready, undefined);

  clock.advance(2000);
  effects.followed.get(555)!({ code: 3, signal: 0 });
  await settle();
  const next = effects.last('run');
  assert.notEqual(next.pid, run.pid, 'its exit is the service exit: restarted');
  assert.equal(effects.status.main?.pid, next.pid);
});

test('MAINPID= is not followed from a dead instance, for a refused pid, or while the service is stopping', async () => {
  const { clock, effects, supervisor } = await boot();
  const first = effects.last('run');
  first.notice!({ mainPid: 777 });
  assert.equal(effects.status.main?.pid, first.pid, 'refused by the effects: not a descendant');
  assert.ok(effects.events.includes(`follow ${first.pid} -> 777`));

  effects.descendants.add(778);
  supervisor.enqueueControl(false, 'd');
  await settle();
  first.notice!({ mainPid: 778 });
  assert.equal(effects.status.main?.pid, first.pid, 'not while it is being stopped');
  assert.ok(!effects.events.includes(`follow ${first.pid} -> 778`));

  first.exit({ code: 0, signal: 0 });
  await settle();
  clock.advance(1000);
  await settle();
  supervisor.enqueueControl(false, 'u');
  await settle();
  const second = effects.last('run');
  first.notice!({ mainPid: 778 });
  assert.equal(effects.status.main?.pid, second.pid, 'the dead instance speaks for nobody');
});
