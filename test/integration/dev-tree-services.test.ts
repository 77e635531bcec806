// DevTree as a PM2 user uses it (issue 17): start and wait at once, replace a running service
// with a new definition, remove one, all while the tree runs, under our runsvdir and runit's.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client, type DevTree } from '../../src/index.js';
import { makeTree, TREE_VARIANTS } from '../helpers/dev-tree.js';
import { isAlive } from '../helpers/procs.js';
import { descendantsOf } from '../helpers/scanner-proc.js';
import { waitFor } from '../helpers/wait-for.js';

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

for (const [what, runsvdir, skip] of TREE_VARIANTS) {
  test(`waitFor right after startRunsvdir waits for the supervisor, then the state (${what})`, { skip }, async (t) => {
    const { tree, seen } = makeTree(t, runsvdir);
    await tree.ensure();
    await tree.service('web').command(['sleep', '1000']).build();
    await tree.enable('web');
    const started = performance.now();
    seen.add(await tree.startRunsvdir());
    // RSD-4: a first scan of a directory changed in the current second sleeps a second first;
    // DevTree wrote the tree itself, so it sets the mtime back and the scan starts at once. The
    // second DevTree looked at is at the latest the one startRunsvdir() returned in.
    const second = Math.floor(Date.now() / 1000);
    assert.ok(statSync(tree.enabledDir).mtimeMs < second * 1000, 'enabled/ is dated before the second runsvdir started in');
    const status = await new Client(join(tree.enabledDir, 'web')).waitFor('run', 20_000);
    t.diagnostic(`first start: web running ${Math.round(performance.now() - started)} ms after startRunsvdir()`);
    assert.equal(status.state, 'run');
    // The run script execs sleep a moment after runsv records its pid.
    await waitFor('the run script to exec sleep 1000', () => commandLine(status.pid) === 'sleep 1000');
  });

  test(`replace and remove a service while the tree runs (${what})`, { skip, timeout: 90_000 }, async (t) => {
    const { tree, seen } = makeTree(t, runsvdir);
    await tree.ensure();
    const define = (version: string): ReturnType<DevTree['service']> =>
      tree.service('web').command(['/bin/sh', '-c', `echo web ${version} up; exec sleep ${version === 'v1' ? 1000 : 2000}`]).log({});
    await define('v1').build();
    await tree.service('other').command(['sleep', '1000']).build();
    await tree.enable('web');
    await tree.enable('other');
    seen.add(await tree.startRunsvdir());
    const web = new Client(join(tree.servicesDir, 'web'));
    const before = await web.waitFor('run', 20_000);
    const other = await new Client(join(tree.servicesDir, 'other')).waitFor('run', 20_000);
    for (const pid of descendantsOf([...seen][0]!)) seen.add(pid);
    const logFile = join(tree.servicesDir, 'web/log/main/current');
    await waitFor('v1 logged', () => existsSync(logFile) && readFileSync(logFile, 'utf8').includes('web v1 up'), { timeout: 20_000 });

    await assert.rejects(define('v2').build(), { code: 'ERR_EXISTS' }, 'build() still never overwrites');
    assert.equal(await tree.replace(define('v2')), join(tree.servicesDir, 'web'));
    const after = await web.waitFor((s) => s.state === 'run' && s.pid !== before.pid, 30_000);
    for (const pid of descendantsOf([...seen][0]!)) seen.add(pid);
    await waitFor('the new definition to run (sleep 2000)', () => commandLine(after.pid) === 'sleep 2000');
    assert.equal(isAlive(before.pid), false, 'the old process is gone');
    await waitFor('v2 logged after v1 in the same log', () => /web v1 up[^]*web v2 up/.test(readFileSync(logFile, 'utf8')), { timeout: 20_000 });
    assert.equal((await tree.status()).find((s) => s.name === 'web')?.isEnabled, true, 'still enabled');
    assert.equal((await new Client(join(tree.servicesDir, 'other')).status()).pid, other.pid, 'the other service was not touched');

    assert.equal(await tree.remove('web'), true);
    assert.equal(existsSync(join(tree.servicesDir, 'web')), false);
    assert.equal(existsSync(join(tree.enabledDir, 'web')), false);
    assert.equal(isAlive(after.pid), false, 'stopped before it was deleted');
    assert.deepEqual((await tree.status()).map((s) => s.name), ['other'], 'no temp directory is listed');
    assert.equal(await tree.remove('web'), false, 'removing a missing service says so');
    assert.equal((await new Client(join(tree.servicesDir, 'other')).status()).pid, other.pid, 'the other service still runs');
    // A replace of a service that does not exist builds it (not enabled: the caller decides).
    await tree.replace(define('v1'));
    assert.equal(existsSync(join(tree.servicesDir, 'web/run')), true);
  });
}
