// node-runit/daemon under systemd-style activation (issue 20): a test harness passes the
// listening socket as LISTEN_FDS (with LISTEN_PID and LISTEN_FDNAMES) and reads NOTIFY_SOCKET, as
// systemd does. Reload (SIGHUP) keeps the pid and the socket and counts the generation up, with
// RELOADING=1 + MONOTONIC_USEC then READY=1; a slow request survives a reload and a graceful exit;
// a failing reload keeps serving; the exit time-out cuts off a request that never ends. And
// replace-process as under systemd (INVOCATION_ID + NOTIFY_SOCKET): the successor inherits the
// socket, `MAINPID=` names it, the old one exits 0 without STOPPING=1; a successor that fails
// to start is reported and the old one goes on.
import assert from 'node:assert/strict';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { activate, DAEMON_EXAMPLE, DAEMON_FIXTURE, get, parseAnswer } from '../helpers/daemon-harness.js';
import { killPid } from '../helpers/procs.js';
import { waitFor } from '../helpers/wait-for.js';
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

  test('replace (SIGUSR2) as under systemd: the successor serves on the same socket, MAINPID= names it, the old one exits 0', async (t) => {
    const dir = makeTempDir(t);
    const service = await activate(t, dir, DAEMON_EXAMPLE, { INVOCATION_ID: '0123456789abcdef' });
    const ready = await service.notify.waitFor('READY=1');
    process.kill(service.pid, 'SIGUSR2');
    const successor = await waitFor('MAINPID= on NOTIFY_SOCKET', () => {
      const found = service.notify.messages.slice(ready).map((message) => /^MAINPID=(\d+)$/m.exec(message)).find((match) => match !== null);
      return found === undefined ? undefined : Number(found[1]);
    }, { timeout: 20_000 });
    // Not our child: the successor was the old process's, and is nobody's once it exits.
    t.after(() => killPid(successor, 'SIGKILL'));
    const handover = service.notify.messages.find((message) => message.includes(`MAINPID=${successor}`))!;
    assert.match(handover, /^READY=1$/m);
    assert.match(handover, new RegExp(`^STATUS=handed over to pid ${successor}$`, 'm'));
    assert.deepEqual(parseAnswer(await get(service.port)), { pid: successor, generation: 1 });
    assert.deepEqual(await service.exited, { code: 0, signal: null });
    const afterHandover = service.notify.messages.slice(service.notify.messages.indexOf(handover) + 1);
    assert.ok(!afterHandover.some((message) => message.includes('STOPPING=1')), 'the old process says nothing the successor would be blamed for');
    process.kill(successor, 'SIGHUP');
    await waitFor('the successor reloading', async () => parseAnswer(await get(service.port)).generation === 2);
  });

  test('a successor that fails to start: ERR_NO_HANDOVER logged, no MAINPID=, the old process goes on serving', async (t) => {
    const dir = makeTempDir(t);
    const failStart = join(dir, 'fail-start');
    const service = await activate(t, dir, DAEMON_FIXTURE, { INVOCATION_ID: '0123456789abcdef', DAEMON_FAIL_START: failStart });
    await service.notify.waitFor('READY=1');
    writeFileSync(failStart, '');
    process.kill(service.pid, 'SIGUSR2');
    await waitFor('the refusal logged', () => /"msg":"replace failed"/.test(service.stderr()), { timeout: 20_000 });
    // Its exit and the end of its pipe come together; either may be the first noticed.
    assert.match(service.stderr(), /"message":"the new process (exited before it was ready \(exit 1\)|closed the handover pipe before it was ready)[^"]*","[^}]*"code":"ERR_NO_HANDOVER"/);
    assert.ok(!service.notify.messages.some((message) => message.includes('MAINPID=')));
    assert.equal(await get(service.port), `pid=${service.pid} generation=1\n`);
  });
});
