// node-runit/daemon under systemd-style activation (issue 20): a test harness passes the
// listening socket as LISTEN_FDS (with LISTEN_PID and LISTEN_FDNAMES) and reads NOTIFY_SOCKET, as
// systemd does. Reload (SIGHUP) keeps the pid and the socket and counts the generation up, with
// RELOADING=1 + MONOTONIC_USEC then READY=1; a slow request survives a reload and a graceful exit;
// a failing reload keeps serving; the exit time-out cuts off a request that never ends.
import assert from 'node:assert/strict';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { activate, DAEMON_EXAMPLE, DAEMON_FIXTURE, get } from '../helpers/daemon-harness.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('node-runit/daemon, systemd-style activation', { timeout: 60_000 }, () => {
  test('the example: READY=1, reload in the same pid on the same socket, drain on SIGTERM, exit 0', async (t) => {
    const dir = makeTempDir(t);
    const service = await activate(t, dir, DAEMON_EXAMPLE);
    const ready = await service.notify.waitFor('READY=1');
    assert.match(service.notify.messages[ready - 1]!, /^STATUS=serving, generation 1$/m);
    assert.equal(await get(service.port), `pid=${service.pid} generation=1\n`);

    const slow = get(service.port, '/slow');
    await new Promise((resolve) => setTimeout(resolve, 200)); // the slow request is in flight
    process.kill(service.pid, 'SIGHUP');
    const reloading = await service.notify.waitFor('RELOADING=1', ready);
    assert.match(service.notify.messages[reloading - 1]!, /^MONOTONIC_USEC=[1-9][0-9]*$/m);
    await service.notify.waitFor('READY=1', reloading);
    assert.equal(await get(service.port), `pid=${service.pid} generation=2\n`);
    assert.equal(await slow, `pid=${service.pid} generation=1\n`, 'the request in flight was answered by its generation');

    const slowAtExit = get(service.port, '/slow');
    await new Promise((resolve) => setTimeout(resolve, 200));
    process.kill(service.pid, 'SIGTERM');
    await service.notify.waitFor('STOPPING=1');
    assert.equal(await slowAtExit, `pid=${service.pid} generation=2\n`);
    assert.deepEqual(await service.exited, { code: 0, signal: null });
  });

  test('a reload whose configure throws keeps the serving generation, says so, and a later one works', async (t) => {
    const dir = makeTempDir(t);
    const failFile = join(dir, 'fail');
    writeFileSync(failFile, '');
    const service = await activate(t, dir, DAEMON_FIXTURE, { DAEMON_FAIL_RELOAD: failFile });
    const ready = await service.notify.waitFor('READY=1');
    process.kill(service.pid, 'SIGHUP');
    const failed = await service.notify.waitFor('STATUS=reload failed: configuration refused', ready);
    assert.match(service.notify.messages[failed - 1]!, /^READY=1$/m);
    assert.equal(await get(service.port), `pid=${service.pid} generation=1\n`);
    assert.match(service.stderr(), /"level":"error".*"msg":"reload failed, the serving generation stays"/);
    rmSync(failFile);
    process.kill(service.pid, 'SIGHUP');
    await service.notify.waitFor('STATUS=serving, generation 2', failed);
    assert.equal(await get(service.port), `pid=${service.pid} generation=2\n`);
  });

  test('the exit time-out closes a request that never ends, and says the exit was forced', async (t) => {
    const dir = makeTempDir(t);
    const service = await activate(t, dir, DAEMON_FIXTURE, { DAEMON_SHUTDOWN_MS: '500' });
    await service.notify.waitFor('READY=1');
    const hanging = get(service.port, '/hang').then(
      () => 'answered',
      (error: Error) => error.message,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    process.kill(service.pid, 'SIGTERM');
    assert.match(await hanging, /socket hang up|ECONNRESET/);
    assert.deepEqual(await service.exited, { code: 3, signal: null }, 'the fixture exits 3 after a forced exit');
    t.diagnostic(`forced out after ${Date.now() - started} ms (time-out 500 ms)`);
    assert.match(service.stderr(), /"level":"warning".*shutdown time-out/);
  });
});
