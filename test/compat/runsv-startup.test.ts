// Start-up, bad input and files: our runsv and real runsv side by side (RSV-1..RSV-6, RSV-17,
// RSV-28, RSV-32..RSV-34, REF-4).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { NEEDS_RUNIT, realBin } from '../helpers/binaries.js';
import { binOf, IMPLS, startRunsv, waitStatus } from '../helpers/runsv-proc.js';
import { makeService, readText } from '../helpers/service-dir.js';
import { isSupervised, readStatus, sendControl } from '../helpers/supervise-files.js';
import { normaliseSv, runCommand } from '../helpers/sv-run.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const OPTS = { skip: NEEDS_RUNIT, timeout: 60_000 };

test('usage: no argument or two arguments exit 1 with the usage text (RSV-1)', OPTS, async () => {
  for (const args of [[], ['a', 'b']]) {
    for (const impl of IMPLS) {
      const bin = binOf(impl, 'runsv');
      const result = await runCommand(bin, args);
      assert.equal(result.code, 1, `${impl} ${args.length} args`);
      // Called by path, runit names the path; ours names the program, as runit does through PATH
      // (GEN-3; test/compat/cli-words.test.ts compares the two through PATH, byte for byte).
      assert.equal(result.stderr, `usage: ${impl === 'real' ? bin : 'runsv'} dir\n\n`);
    }
  }
});

test('fatal start-up errors: same message, exit 111 (RSV-32, RSV-34)', OPTS, async (t) => {
  const root = makeTempDir(t);
  writeFileSync(join(root, 'plain-file'), '');
  mkdirSync(join(root, 'superfile'));
  writeFileSync(join(root, 'superfile/supervise'), '');
  mkdirSync(join(root, 'ctlfile/supervise'), { recursive: true });
  writeFileSync(join(root, 'ctlfile/supervise/control'), '');
  for (const name of ['/nonexistent/dir', 'plain-file', 'superfile', 'ctlfile']) {
    const results = await Promise.all(IMPLS.map((impl) => runCommand(binOf(impl, 'runsv'), [name], { cwd: root })));
    assert.equal(results[0]!.stderr, results[1]!.stderr, name);
    assert.match(results[1]!.stderr, /^runsv .*: fatal: /);
    assert.equal(results[0]!.code, 111, name);
    assert.equal(results[1]!.code, 111, name);
  }
});

test('a second runsv on a locked service fails, ours against real and real against ours (RSV-3)', OPTS, async (t) => {
  for (const [first, second] of [['real', 'ours'], ['ours', 'real']] as const) {
    const root = makeTempDir(t);
    makeService(join(root, 'svc'), { run: 'exec sleep 1000' });
    await startRunsv(t, first, root, 'svc');
    const result = await runCommand(binOf(second, 'runsv'), ['svc'], { cwd: root });
    assert.equal(result.code, 111, `${second} after ${first}`);
    assert.equal(result.stderr, 'runsv svc: fatal: unable to lock supervise/lock: temporary failure\n');
  }
});

async function compareBroken(t: Parameters<typeof makeTempDir>[0], prepare: (dir: string) => void, expectedStatus: RegExp) {
  const root = makeTempDir(t);
  const stderr: Record<string, () => string> = {};
  const statusLines: string[] = [];
  for (const impl of IMPLS) {
    const dir = join(root, impl);
    mkdirSync(join(dir, 'svc'), { recursive: true });
    prepare(join(dir, 'svc'));
    const proc = await startRunsv(t, impl, dir, 'svc');
    stderr[impl] = proc.stderr;
    const line = await waitFor(`${impl}: status ${expectedStatus}`, async () => {
      const result = await runCommand(realBin('sv'), ['status', './svc'], { cwd: dir });
      const text = normaliseSv(result.stdout);
      return expectedStatus.test(text) ? text : undefined;
    });
    statusLines.push(line);
  }
  assert.equal(statusLines[0], statusLines[1]);
  await waitFor('a first diagnostic from both', () => stderr['ours']!().includes('\n') && stderr['real']!().includes('\n'));
  assert.equal(stderr['ours']!().split('\n')[0], stderr['real']!().split('\n')[0]);
  return stderr;
}

test('run missing: runsv keeps going, retrying once a second (RSV-17, RSV-34)', OPTS, async (t) => {
  const stderr = await compareBroken(t, () => undefined, /^down: \.\/svc: Ns, normally up, want up\n$/);
  assert.equal(stderr['ours']!().split('\n')[0], 'runsv svc: fatal: unable to start ./run: file does not exist');
});

test('run not executable: access denied', OPTS, async (t) => {
  await compareBroken(t, (dir) => writeFileSync(join(dir, 'run'), '#!/bin/sh\nexec sleep 1000\n', { mode: 0o644 }), /^down: \.\/svc: Ns, normally up, want up\n$/);
});

test('log is not a directory: a warning, and the service runs without a log', OPTS, async (t) => {
  const stderr = await compareBroken(
    t,
    (dir) => {
      makeService(dir, { run: 'exec sleep 1000' });
      writeFileSync(join(dir, 'log'), 'not a dir');
    },
    /^run: \.\/svc: \(pid N\) Ns; warning: \.\/svc\/log: unable to change directory: not a directory\n$/,
  );
  assert.equal(stderr['ours']!().split('\n')[0], 'runsv svc: warning: ./log: not a directory.');
});

test('log/run missing: the log start fails like runit, the service still runs', OPTS, async (t) => {
  await compareBroken(
    t,
    (dir) => {
      makeService(dir, { run: 'exec sleep 1000' });
      mkdirSync(join(dir, 'log'));
    },
    /^run: \.\/svc: \(pid N\) Ns; down: log: Ns, normally up, want up\n$/,
  );
});

test('garbage bytes in control are ignored and never crash runsv (RSV-24)', OPTS, async (t) => {
  const root = makeTempDir(t);
  const garbage = Buffer.from([0, 10, 13, 0xff, 0x80, 0x7f, 0x5a, 0x58, 0x65, 0x77, 0x73, 0x20, 0x09, 0x1b]);
  const lines: string[] = [];
  for (const impl of IMPLS) {
    const dir = join(root, impl);
    makeService(join(dir, 'svc'), { run: 'exec sleep 1000' });
    const proc = await startRunsv(t, impl, dir, 'svc');
    await waitStatus(join(dir, 'svc'), `${impl} running`, (s) => s.state === 1);
    const before = readStatus(join(dir, 'svc'))!;
    for (let i = 0; i < 50; i++) sendControl(join(dir, 'svc'), garbage);
    sendControl(join(dir, 'svc'), 'p');
    await waitStatus(join(dir, 'svc'), `${impl} to process the bytes up to p`, (s) => s.isPaused);
    assert.equal(readStatus(join(dir, 'svc'))!.pid, before.pid, `${impl}: same child`);
    assert.equal(proc.child.exitCode, null);
    assert.equal(proc.stderr(), '');
    lines.push(normaliseSv((await runCommand(realBin('sv'), ['status', './svc'], { cwd: dir })).stdout));
  }
  assert.equal(lines[0], lines[1]);
});

test('files under supervise/: types and modes as runit makes them (RSV-4)', OPTS, async (t) => {
  const root = makeTempDir(t);
  const shapes: string[] = [];
  for (const impl of IMPLS) {
    const dir = join(root, impl);
    makeService(join(dir, 'svc'), { run: 'exec sleep 1000', log: { run: 'exec cat > /dev/null' } });
    await startRunsv(t, impl, dir, 'svc');
    await waitStatus(join(dir, 'svc'), `${impl} running`, (s) => s.state === 1);
    await waitFor(`${impl} log pid file`, () => readText(join(dir, 'svc/log/supervise/pid')));
    const shape = ['supervise', 'log/supervise'].flatMap((sub) => {
      const base = join(dir, 'svc', sub);
      return [sub, ...['lock', 'control', 'ok', 'status', 'stat', 'pid'].map((name) => `${sub}/${name}`)].map((rel) => {
        const st = statSync(join(dir, 'svc', rel));
        const type = st.isDirectory() ? 'd' : st.isFIFO() ? 'p' : 'f';
        return `${rel} ${type} ${(st.mode & 0o7777).toString(8)}${rel.endsWith('status') ? ` ${readFileSync(join(base, 'status')).length}` : ''}`;
      });
    });
    shapes.push(shape.join('\n'));
  }
  assert.equal(shapes[0], shapes[1]);
  assert.match(shapes[0]!, /^supervise d 700\nsupervise\/lock f 600\nsupervise\/control p 600/);
});

test('hooks and the service write into the log pipe; dangling supervise symlinks are created (REF-4, RSV-28)', OPTS, async (t) => {
  const root = makeTempDir(t);
  const logs: string[] = [];
  for (const impl of IMPLS) {
    const dir = join(root, impl);
    const svc = makeService(join(dir, 'svc'), {
      run: 'echo run-started\nexec sleep 1000',
      log: { run: 'exec cat >> ../../log.txt' },
      hooks: { i: 'echo hook-i\nexit 0', t: 'echo hook-t\nexit 1' },
    });
    symlinkSync('../sup-main', join(svc, 'supervise'));
    symlinkSync('../../sup-log', join(svc, 'log/supervise'));
    const proc = await startRunsv(t, impl, dir, 'svc');
    await waitFor(`${impl}: service output in the log`, () => readText(join(dir, 'log.txt'))?.includes('run-started'));
    sendControl(svc, 'i');
    await waitFor(`${impl}: hook i output`, () => readText(join(dir, 'log.txt'))?.includes('hook-i'));
    sendControl(join(dir, 'sup-main/..', 'svc'), 't');
    await waitFor(`${impl}: restarted after t`, () => readText(join(dir, 'log.txt'))?.match(/run-started/g)?.length === 2);
    assert.ok(isSupervised(svc));
    assert.ok(statSync(join(dir, 'sup-main/control')).isFIFO(), 'main supervise target created');
    assert.ok(statSync(join(dir, 'sup-log/control')).isFIFO(), 'log supervise target created relative to log/');
    writeFileSync(join(dir, 'sup-main/control'), 'x');
    const exit = await proc.exited;
    assert.equal(exit.code, 0, `${impl} exits 0 after x`);
    logs.push(readText(join(dir, 'log.txt'))!);
  }
  assert.equal(logs[0], logs[1]);
  assert.equal(logs[0], 'run-started\nhook-i\nhook-t\nrun-started\nhook-t\n');
});

test('SIGTERM to runsv acts as x: the service stops and runsv exits 0 (RSV-31)', OPTS, async (t) => {
  const root = makeTempDir(t);
  for (const impl of IMPLS) {
    const dir = join(root, impl);
    makeService(join(dir, 'svc'), { run: 'exec sleep 1000', finish: 'echo "$1 $2" > ../finish-args' });
    const proc = await startRunsv(t, impl, dir, 'svc');
    const status = await waitStatus(join(dir, 'svc'), `${impl} running`, (s) => s.state === 1);
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    assert.equal(exit.code, 0, `${impl} exit code`);
    assert.equal(readText(join(dir, 'finish-args')), '-1 15\n', `${impl}: finish ran after TERM`);
    assert.throws(() => process.kill(status.pid, 0), `${impl}: the service is gone`);
  }
});

test('log/down: the log stays down and its pid file is never written (RSV-12)', OPTS, async (t) => {
  const root = makeTempDir(t);
  for (const impl of IMPLS) {
    const dir = join(root, impl);
    const svc = makeService(join(dir, 'svc'), { run: 'exec sleep 1000', log: { run: 'exec cat > /dev/null' } });
    writeFileSync(join(svc, 'log/down'), '');
    await startRunsv(t, impl, dir, 'svc');
    await waitStatus(svc, `${impl} running`, (s) => s.state === 1);
    assert.equal(readText(join(svc, 'log/supervise/pid')), undefined, impl);
    assert.equal(readText(join(svc, 'log/supervise/stat')), 'down\n', impl);
    assert.equal(readText(join(svc, 'supervise/pid'))?.endsWith('\n'), true, impl);
  }
});

test('other signals keep their default action: runsv dies of USR1 and leaves the service (RSV-31)', OPTS, async (t) => {
  const root = makeTempDir(t);
  for (const impl of IMPLS) {
    const dir = join(root, impl);
    makeService(join(dir, 'svc'), { run: 'exec sleep 1000' });
    const proc = await startRunsv(t, impl, dir, 'svc');
    const { pid } = await waitStatus(join(dir, 'svc'), `${impl} running`, (s) => s.state === 1);
    proc.child.kill('SIGUSR1');
    const exit = await proc.exited;
    try {
      assert.equal(exit.signal, 'SIGUSR1', impl);
      assert.doesNotThrow(() => process.kill(pid, 0), `${impl}: the service is left running`);
    } finally {
      process.kill(pid, 'SIGKILL');
    }
  }
});

test('our codec reads what real runsv writes, and ours writes runit stamps (RSV-9, GEN-5)', OPTS, async (t) => {
  const root = makeTempDir(t);
  for (const impl of IMPLS) {
    const dir = join(root, impl);
    const svc = makeService(join(dir, 'svc'), { run: 'exec sleep 1000' });
    await startRunsv(t, impl, dir, 'svc');
    const status = await waitStatus(svc, `${impl} running`, (s) => s.state === 1);
    await waitFor(`${impl} pid file`, () => readText(join(svc, 'supervise/pid')) === `${status.pid}\n`);
    assert.equal(readText(join(svc, 'supervise/stat')), 'run\n');
    assert.equal(status.want, 'up');
    assert.equal(status.since.nanoseconds % 1000, 500, `${impl}: nanoseconds end in 500`);
    assert.ok(Math.abs(status.since.seconds - Date.now() / 1000) < 30, `${impl}: TAI64 label decodes to now`);
    sendControl(svc, 'p');
    const paused = await waitStatus(svc, `${impl} paused`, (s) => s.isPaused);
    assert.equal(readText(join(svc, 'supervise/stat')), 'run, paused\n');
    assert.equal(paused.pid, status.pid);
  }
});
