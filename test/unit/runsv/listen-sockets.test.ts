// `listen` (issue 19): bound before the first start, retried on a fake clock while a port is
// taken or the file is bad (each reason said once), held, and closed with its unix file removed.
import assert from 'node:assert/strict';
import { existsSync, lstatSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { LISTEN_RETRY_MILLIS, ListenSockets } from '../../../src/runsv/listen-sockets.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

test('a taken port and a bad line: warned once each, retried, bound once possible', async (t) => {
  const root = makeTempDir(t);
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  writeFileSync(join(root, 'listen'), 'tcp:127.0.0.1:80x\n');
  const clock = new FakeClock();
  const warnings: string[] = [];
  let changes = 0;
  let rechecks = 0;
  const sockets = new ListenSockets(root, 'web', clock, (w) => warnings.push(w), () => changes++);
  t.after(() => sockets.close());
  const recheck = (): void => void rechecks++;

  assert.equal(sockets.mayStart(recheck), false);
  clock.advance(LISTEN_RETRY_MILLIS);
  assert.equal(rechecks, 1);
  assert.equal(sockets.mayStart(recheck), false);
  assert.deepEqual(warnings, ['listen: line 1: not a socket to listen on: tcp:127.0.0.1:80x']);

  writeFileSync(join(root, 'listen'), `unix:ctl.sock 0600 name=ctl\ntcp:127.0.0.1:${port}\n`);
  assert.equal(sockets.mayStart(recheck), false, 'the port is taken');
  assert.equal(warnings[1], `listen: unable to bind tcp:127.0.0.1:${port}: address already used`);
  assert.deepEqual(sockets.held().map((s) => s.isBound), [true, false], 'what could be bound is held');
  assert.equal(lstatSync(join(root, 'ctl.sock')).mode & 0o777, 0o600);
  assert.equal(sockets.mayStart(recheck), false);
  assert.equal(warnings.length, 2, 'the same reason is not said again');

  await new Promise((resolve) => blocker.close(resolve));
  assert.equal(sockets.mayStart(recheck), true);
  assert.equal(changes, 2);
  const passed = sockets.passed();
  assert.deepEqual(passed.names, ['ctl', 'web']);
  assert.equal(passed.fds.length, 2);
  sockets.close();
  assert.equal(existsSync(join(root, 'ctl.sock')), false);
  assert.equal(sockets.mayStart(recheck), false, 'a closed supervisor starts nothing');
});
