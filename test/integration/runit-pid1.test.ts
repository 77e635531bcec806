// The runit init as PID 1 of a fresh PID namespace (unshare --pid --fork --mount-proc, as root):
// orphans reaped without stealing libuv's children, orderly stop on TERM (service, finish, then
// the log's last line), KILL at the grace period, stage 3 with nothing else left, exit codes.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ourBin } from '../helpers/binaries.js';
import { descendants, isAlive, killPid } from '../helpers/procs.js';
import { makeService, writeScript } from '../helpers/service-dir.js';
import { svStatus } from '../helpers/sv-run.js';
import { waitFor } from '../helpers/wait-for.js';

type TestContext = { after(fn: () => void | Promise<void>): void };

const CAN_UNSHARE =
  process.getuid?.() === 0 && spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0
    ? false
    : 'needs root and unshare(1) for a PID namespace';

interface Init {
  /** The init's pid as seen from outside the namespace. */
  pid: number;
  exited: Promise<number | null>;
  stderr(): string;
}

async function startInit(t: TestContext, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Init> {
  const child = spawn('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, ourBin('runit'), ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // KILLing the namespace's init makes the kernel KILL everything inside it.
  t.after(async () => {
    for (const pid of descendants(child.pid!)) killPid(pid);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
  });
  const pid = await waitFor('the init to start', () => {
    const first = descendants(child.pid!)[0];
    return first !== undefined && readFileSync(`/proc/${first}/cmdline`, 'latin1').includes('runit') ? first : undefined;
  });
  return { pid, exited, stderr: () => err };
}

function makeRoot(t: TestContext): { root: string; svc: string; stages: string } {
  const root = mkdtempSync(join(tmpdir(), 'node-runit-init-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const svc = join(root, 'service');
  const stages = join(root, 'stages');
  mkdirSync(svc);
  mkdirSync(stages);
  return { root, svc, stages };
}

/** A service that prints a line, answers TERM with a last line, and a log service that records all. */
function makeLoggedService(svc: string, root: string, name: string): void {
  makeService(join(svc, name), {
    run: `echo ${name} started\ntrap 'echo ${name} last line; exit 0' TERM\nwhile :; do sleep 0.1; done`,
    finish: `echo ${name} finish ran`,
    log: { run: `cat >> ${root}/${name}.log\necho ${name} log eof >> ${root}/${name}.log` },
  });
}

/** Stage 3 lists every process it can see in the namespace but itself and PID 1. */
function makeStage3(stages: string, root: string): void {
  writeScript(
    join(stages, '3'),
    `for p in /proc/[0-9]*; do n=\${p#/proc/}; [ "$n" = 1 ] || [ "$n" = $$ ] || { read -r s < $p/stat; echo "$s" >> ${root}/left; }; done; echo checked >> ${root}/stage3`,
  );
}

/** [process group, session] from /proc/PID/stat (the fields after the command name). */
function sessionOf(pid: number): [number, number] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [Number(fields[2]), Number(fields[3])];
}

function zombieChildren(pid: number): number[] {
  return descendants(pid).filter((child) => {
    try {
      const stat = readFileSync(`/proc/${child}/stat`, 'latin1');
      return stat.charAt(stat.lastIndexOf(')') + 2) === 'Z';
    } catch {
      return false;
    }
  });
}

describe('runit as PID 1', { skip: CAN_UNSHARE }, () => {
  test('TERM: services, finish scripts, then logs with their last line; stage 3 sees nothing left; exit 0', async (t) => {
    const { root, svc, stages } = makeRoot(t);
    makeLoggedService(svc, root, 'web');
    makeLoggedService(svc, root, 'worker');
    // A daemon that double-forks away from its service: an orphan the init must stop too.
    makeService(join(svc, 'forker'), { run: `(sleep 1000 &) ; echo forked > ${root}/forked; exec sleep 1000` });
    writeScript(join(stages, '1'), `echo once > ${root}/stage1`);
    makeStage3(stages, root);
    const init = await startInit(t, ['-s', stages, '-g', '5', svc]);
    await waitFor('both services to log their first line', () =>
      ['web', 'worker'].every((name) => readText(join(root, `${name}.log`)).includes(`${name} started`)),
    );
    await waitFor('the double-forked daemon', () => existsSync(join(root, 'forked')));
    assert.equal(readText(join(root, 'stage1')), 'once\n');
    // The in-process Supervisors speak runit's files: real sv sees service and log running.
    assert.match(svStatus(join(svc, 'web')), /^run: [^;]+; run: log: /);
    process.kill(init.pid, 'SIGTERM');
    assert.equal(await init.exited, 0, init.stderr());
    for (const name of ['web', 'worker']) {
      assert.equal(
        readText(join(root, `${name}.log`)),
        `${name} started\n${name} last line\n${name} finish ran\n${name} log eof\n`,
      );
    }
    assert.equal(readText(join(root, 'stage3')), 'checked\n');
    assert.equal(readText(join(root, 'left')), '', 'processes still running at stage 3');
  });

  test('-p (one runsv per service, real runsv): TERM stops service, finish, then log; exit 0', async (t) => {
    const { root, svc } = makeRoot(t);
    makeLoggedService(svc, root, 'web');
    const init = await startInit(t, ['-p', '-g', '5', svc], { PATH: `/usr/bin:${process.env['PATH'] ?? '/bin'}` });
    await waitFor('web to log', () => readText(join(root, 'web.log')).includes('started'));
    const runsvs = descendants(init.pid).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'latin1') === 'runsv\0web\0');
    assert.equal(runsvs.length, 1);
    // runsvdir -P, as runit's stage 2 runs it: the runsv leads its own session (RSD-6).
    const [pgrp, session] = sessionOf(runsvs[0]!);
    assert.deepEqual([pgrp, session], [runsvs[0], runsvs[0]]);
    process.kill(init.pid, 'SIGTERM');
    assert.equal(await init.exited, 0, init.stderr());
    assert.equal(readText(join(root, 'web.log')), 'web started\nweb last line\nweb finish ran\nweb log eof\n');
  });

  test('a service that ignores TERM is KILLed at the grace period; exit 1', async (t) => {
    const { root, svc, stages } = makeRoot(t);
    makeLoggedService(svc, root, 'web');
    makeService(join(svc, 'stubborn'), { run: `trap '' TERM\necho up > ${root}/stubborn\nexec sleep 1000` });
    makeStage3(stages, root);
    // 4 s: room for web's stop, finish, 1-second rule and log EOF on a loaded 2-core machine.
    const init = await startInit(t, ['-s', stages, '-g', '4', svc]);
    await waitFor('the stubborn service', () => existsSync(join(root, 'stubborn')));
    await waitFor('web to log', () => readText(join(root, 'web.log')).includes('started'));
    const sentAt = Date.now();
    process.kill(init.pid, 'SIGTERM');
    assert.equal(await init.exited, 1, init.stderr());
    const took = Date.now() - sentAt;
    assert.ok(took >= 3900, `stopped after ${took} ms, before the 4 s grace period`);
    assert.match(init.stderr(), /killed at the grace period: stubborn/);
    assert.ok(readText(join(root, 'web.log')).endsWith('web log eof\n'));
    assert.equal(readText(join(root, 'left')), '');
  });

  test('without DIR: runit\'s stage 2 script (real runsvdir), stage 3 stops the services with sv', async (t) => {
    const { root, svc, stages } = makeRoot(t);
    makeLoggedService(svc, root, 'web');
    writeScript(join(stages, '2'), `exec /usr/bin/runsvdir -P ${svc}`);
    writeScript(join(stages, '3'), `/usr/bin/sv -w 5 force-stop ${svc}/*\n/usr/bin/sv exit ${svc}/*\nwhile pgrep -x runsv >/dev/null; do sleep 0.1; done\necho done > ${root}/stage3`);
    const init = await startInit(t, ['-s', stages, '-g', '5']);
    await waitFor('web to log', () => readText(join(root, 'web.log')).includes('started'));
    process.kill(init.pid, 'SIGTERM');
    assert.equal(await init.exited, 0, init.stderr());
    assert.equal(readText(join(root, 'stage3')), 'done\n');
    assert.equal(readText(join(root, 'web.log')), 'web started\nweb last line\nweb finish ran\nweb log eof\n');
  });

  test('1000 orphans leave 0 zombies, and the supervised service is still ours', async (t) => {
    const { root, svc } = makeRoot(t);
    // Each `sleep 0` is forked by a subshell that exits at once: all re-parent to the init.
    makeService(join(svc, 'spawner'), {
      run: `(i=0; while [ $i -lt 1000 ]; do sleep 0 & i=$((i+1)); done); echo spawned > ${root}/spawned; exec sleep 1000`,
    });
    makeLoggedService(svc, root, 'web');
    const init = await startInit(t, ['-g', '5', svc]);
    await waitFor('1000 orphans to be forked', () => existsSync(join(root, 'spawned')), { timeout: 60_000 });
    await waitFor('no zombie left under the init', () => zombieChildren(init.pid).length === 0, { timeout: 20_000 });
    // libuv's own children were not stolen: the supervisor still sees its service end and finish.
    process.kill(init.pid, 'SIGTERM');
    assert.equal(await init.exited, 0, init.stderr());
    assert.match(readText(join(root, 'web.log')), /web last line\nweb finish ran\nweb log eof\n$/);
    assert.equal(isAlive(init.pid), false);
  });
});

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
