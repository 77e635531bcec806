// A Supervisor taking over instances a dead supervisor left running (issue 14, fault 2): the
// record carries on as that supervisor last wrote it, nothing is started beside them, and their
// exit (reported by the exit watch, status unknown) is the service's exit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyStatusRecord, STATE_RUN, type StatusRecord } from '../../../src/protocol/status.js';
import { UNKNOWN_EXIT } from '../../../src/runsv/effects.js';
import { Supervisor } from '../../../src/runsv/supervisor.js';
import { FakeClock, settle } from '../../helpers/fake-clock.js';
import { FakeEffects } from './fake-effects.js';

function previous(pid: number, want: 'up' | 'down' = 'up'): StatusRecord {
  return { ...emptyStatusRecord(), pid, state: STATE_RUN, want, since: { seconds: 1_700_000_000, nanoseconds: 500 } };
}

async function adopting(main: StatusRecord, log?: StatusRecord) {
  const clock = new FakeClock();
  const effects = new FakeEffects();
  effects.hasFinish = true;
  const supervisor = new Supervisor(effects, clock, { isNormallyDown: false, hasLog: log !== undefined, isLogNormallyDown: false });
  const mainExit = supervisor.adopt(false, main);
  const logExit = log === undefined ? undefined : supervisor.adopt(true, log);
  supervisor.publish(false);
  supervisor.publish(true);
  void supervisor.run();
  await settle();
  return { clock, effects, supervisor, mainExit, logExit };
}

test('taken over: published as running with its own pid and stamp, nothing started beside it', async () => {
  const { effects } = await adopting(previous(4242), previous(4243));
  assert.deepEqual(effects.events, []);
  assert.equal(effects.status.main?.pid, 4242);
  assert.equal(effects.status.main?.state, STATE_RUN);
  assert.equal(effects.status.main?.since.seconds, 1_700_000_000);
  assert.deepEqual(effects.pidText.main, ['4242\n']);
  assert.equal(effects.status.log?.record.pid, 4243);
});

test('sv d signals the taken-over pid; its exit runs ./finish with -1 0 and it stays down', async () => {
  const { effects, supervisor, mainExit } = await adopting(previous(4242));
  supervisor.enqueueControl(false, 'd');
  await settle();
  assert.deepEqual(effects.events, ['signal 4242 SIGTERM', 'signal 4242 SIGCONT']);
  mainExit(UNKNOWN_EXIT);
  await settle();
  assert.deepEqual(effects.events.slice(2), ['start finish -1 0']);
  effects.last('finish').exit({ code: 0, signal: 0 });
  await settle();
  assert.equal(effects.status.main?.state, 0);
  assert.equal(effects.started.filter((child) => child.kind === 'run').length, 0);
});

test('an exit with want up restarts it; with the want down its supervisor had recorded, it stays down', async () => {
  const up = await adopting(previous(4242, 'up'));
  up.clock.advance(5000);
  up.mainExit(UNKNOWN_EXIT);
  await settle();
  up.effects.last('finish').exit({ code: 0, signal: 0 });
  await settle();
  assert.deepEqual(up.effects.events, ['start finish -1 0', 'start run']);

  const down = await adopting(previous(4242, 'down'));
  down.mainExit(UNKNOWN_EXIT);
  await settle();
  down.effects.last('finish').exit({ code: 0, signal: 0 });
  await settle();
  assert.deepEqual(down.effects.events, ['start finish -1 0']);
  assert.equal(down.effects.status.main?.want, 'down');
});

test('a taken-over log service that exits is started again on the same pipe', async () => {
  const { effects, logExit } = await adopting(previous(4242), previous(4243));
  logExit!(UNKNOWN_EXIT);
  await settle();
  assert.deepEqual(effects.events, ['start log']);
});
