// replace-process refuses where the supervisor cannot follow a new main pid (src/daemon/replace.ts):
// no NOTIFY_SOCKET (real runit, daemontools, s6), or a NOTIFY_SOCKET whose supervisor does not
// say it follows MAINPID=; ours says so (NODE_RUNIT_FOLLOWS_MAINPID=1), systemd is recognised by
// INVOCATION_ID. A refused replace() rejects with ERR_NO_HANDOVER and the daemon goes on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDaemonLogger, FOLLOWS_MAINPID_VARIABLE, handoverRefusal, run } from '../../../src/daemon/index.js';

test('handoverRefusal: who can follow a new main pid', () => {
  assert.match(handoverRefusal({})!, /no NOTIFY_SOCKET/);
  assert.match(handoverRefusal({ NOTIFY_SOCKET: '/run/notify' })!, /does not say it follows MAINPID/);
  assert.equal(handoverRefusal({ NOTIFY_SOCKET: '/run/notify', [FOLLOWS_MAINPID_VARIABLE]: '1' }), undefined);
  assert.equal(handoverRefusal({ NOTIFY_SOCKET: '@notify', INVOCATION_ID: '0123456789abcdef' }), undefined);
  assert.match(handoverRefusal({ INVOCATION_ID: 'x' })!, /no NOTIFY_SOCKET/, 'systemd without Type=notify cannot be told');
});

test('replace() under a supervisor that cannot follow: ERR_NO_HANDOVER, and the daemon still serves', async () => {
  let configured = 0;
  const logger = createDaemonLogger({ level: 'silent' });
  const daemon = await run({ env: {}, logger, handleSignals: false, configure: () => ((configured += 1), { servers: [] }) });
  await assert.rejects(daemon.replace(), { code: 'ERR_NO_HANDOVER' });
  assert.equal(daemon.isExiting, false);
  assert.equal(await daemon.reload(), true, 'a reload still works');
  assert.equal(configured, 2);
  await daemon.exit();
  await assert.rejects(daemon.replace({ isMainPidFollowed: true }), { code: 'ERR_NOT_RUNNING' });
});
