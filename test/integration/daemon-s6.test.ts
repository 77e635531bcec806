// node-runit/daemon under real s6 (issue 20): the example HTTP service in a directory with
// `notification-fd`, supervised by Debian's s6-supervise. The daemon finds the fd named there and
// writes its newline once it serves: s6-svwait -U returns and s6-svstat says ready. s6-svc -h
// reloads in the same pid (generation 2); s6-svc -2 (SIGUSR2, replace-process) is refused, as
// s6 cannot follow a new pid and gives no NOTIFY_SOCKET, and the same pid goes on serving.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { exampleRun, freePort, get, parseAnswer } from '../helpers/daemon-harness.js';
import { NEEDS_S6, s6, underS6 } from '../helpers/s6.js';
import { runCommand } from '../helpers/sv-run.js';
import { waitFor } from '../helpers/wait-for.js';

describe('node-runit/daemon under s6-supervise', { skip: NEEDS_S6, timeout: 60_000 }, () => {
  test('notification-fd readiness reaches s6-svwait -U; s6-svc -h reloads in the same pid; replace is refused', async (t) => {
    const port = await freePort();
    const { dir } = await underS6(t, { run: exampleRun(port, 'daemon.log'), files: { 'notification-fd': '3\n' } });
    const waited = await runCommand('/usr/bin/s6-svwait', ['-U', '-t', '20000', dir]);
    assert.equal(waited.code, 0, `s6-svwait -U: ${waited.stderr}`);
    assert.equal(s6(['-o', 'ready'], dir), 'true');
    const pid = Number(s6(['-o', 'pid'], dir));
    assert.deepEqual(parseAnswer(await get(port)), { pid, generation: 1 });

    execFileSync('/usr/bin/s6-svc', ['-h', dir]);
    await waitFor('generation 2', async () => parseAnswer(await get(port)).generation === 2);
    assert.deepEqual(parseAnswer(await get(port)), { pid, generation: 2 }, 'a reload keeps the pid');

    execFileSync('/usr/bin/s6-svc', ['-2', dir]);
    const log = join(dir, 'daemon.log');
    await waitFor('the refusal in the daemon log', () => existsSync(log) && /ERR_NO_HANDOVER/.test(readFileSync(log, 'utf8')));
    assert.match(readFileSync(log, 'utf8'), /cannot replace the process: no NOTIFY_SOCKET/);
    assert.deepEqual(parseAnswer(await get(port)), { pid, generation: 2 });
    assert.equal(Number(s6(['-o', 'pid'], dir)), pid);
  });
});
