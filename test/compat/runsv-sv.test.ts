// Real runit's sv drives our runsv and real runsv through the same command sequence; the
// lines, exit codes, status bytes (time and pid aside) and stat/pid files must be identical.
// RSV-9..RSV-14, RSV-24, RSV-35, SV-6, SV-7.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { NEEDS_RUNIT, realBin } from '../helpers/binaries.js';
import { startRunsv, IMPLS, type Impl } from '../helpers/runsv-proc.js';
import { makeService, readText, type ServiceSpec } from '../helpers/service-dir.js';
import { normaliseSv, runCommand } from '../helpers/sv-run.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

type Pair = Record<Impl, string>;

async function pairOfServices(t: Parameters<typeof makeTempDir>[0], spec: ServiceSpec): Promise<Pair> {
  const root = makeTempDir(t);
  const roots = { ours: join(root, 'ours'), real: join(root, 'real') };
  for (const impl of IMPLS) {
    makeService(join(roots[impl], 'svc'), spec);
    await startRunsv(t, impl, roots[impl], 'svc');
  }
  return roots;
}

async function svBoth(roots: Pair, args: string[]): Promise<Record<Impl, { out: string; code: number | null }>> {
  const [ours, real] = await Promise.all(
    IMPLS.map(async (impl) => {
      const result = await runCommand(realBin('sv'), [...args, './svc'], { cwd: roots[impl] });
      return { out: normaliseSv(result.stdout + result.stderr), code: result.code };
    }),
  );
  return { ours: ours!, real: real! };
}

/** The bytes of status that do not depend on time or pid, plus whether a pid is recorded. */
function statusShape(dir: string): string {
  const bytes = readFileSync(join(dir, 'supervise/status'));
  return `${bytes.length} pid:${bytes.readUInt32LE(12) === 0 ? 0 : 'N'} ${[...bytes.subarray(16)].join(',')}`;
}

function filesOf(dir: string): string {
  const pid = readText(join(dir, 'supervise/pid'));
  return `stat=${JSON.stringify(readText(join(dir, 'supervise/stat')))} pid=${pid === '' ? 'empty' : /^\d+\n$/.test(pid ?? '') ? 'N' : String(pid)} status=${statusShape(dir)}`;
}

/** Waits until both sides show the same status, then asserts files and bytes match too. */
async function assertSame(roots: Pair, what: string, expected: RegExp): Promise<void> {
  const both = await waitFor(`both runsv to show ${expected} (${what})`, async () => {
    const result = await svBoth(roots, ['status']);
    return expected.test(result.real.out) && result.ours.out === result.real.out ? result : undefined;
  });
  assert.equal(both.ours.code, both.real.code, what);
  for (const sub of ['svc', 'svc/log']) {
    const ours = join(roots.ours, sub);
    const real = join(roots.real, sub);
    if (readText(join(real, 'supervise/stat')) === undefined) continue;
    await waitFor(`same files in ${sub} (${what})`, () => filesOf(ours) === filesOf(real));
  }
}

test('the same sv command sequence gives the same lines, codes and bytes', { skip: NEEDS_RUNIT, timeout: 120_000 }, async (t) => {
  // The service ignores the signals sv only forwards (hup, alarm, ...): otherwise whether sv's
  // ok line sees it still running or already restarting is a race, in runit as in ours.
  const roots = await pairOfServices(t, {
    run: 'echo started\ntrap "" HUP ALRM INT QUIT USR1 USR2\nexec sleep 1000',
    log: { run: 'exec cat > /dev/null' },
  });
  await assertSame(roots, 'start', /^run: \.\/svc: \(pid N\) Ns; run: log: \(pid N\) Ns\n$/);

  const steps: Array<[string[], RegExp]> = [
    [['-v', 'down'], /^down: \.\/svc: Ns, normally up; run: log/],
    [['-v', 'up'], /^run: \.\/svc: \(pid N\) Ns; run: log/],
    [['pause'], /^run: \.\/svc: \(pid N\) Ns, paused;/],
    [['-v', 'cont'], /^run: \.\/svc: \(pid N\) Ns; run/],
    [['once'], /^run: \.\/svc: \(pid N\) Ns, want down;/],
    // Not -v: sv checks right after sending, so whether it sees want down yet is a race.
    [['up'], /^run: \.\/svc: \(pid N\) Ns; run/],
    [['-v', 'hup'], /^run: \.\/svc: \(pid N\) Ns; run/],
    [['alarm'], /^run: \.\/svc: \(pid N\) Ns; run/],
    [['-w', '10', 'restart'], /^run: \.\/svc: \(pid N\) Ns; run/],
    [['-v', 'term'], /^run: \.\/svc: \(pid N\) Ns; run/],
    [['-v', 'kill'], /^run: \.\/svc: \(pid N\) Ns; run/],
    [['-v', 'down'], /^down: \.\/svc: Ns, normally up; run/],
    [['once'], /^run: \.\/svc: \(pid N\) Ns, want down;/],
    [['-v', 'down'], /^down: \.\/svc: Ns, normally up; run/],
  ];
  for (const [args, expected] of steps) {
    const result = await svBoth(roots, args);
    assert.equal(result.ours.out, result.real.out, `sv ${args.join(' ')}`);
    assert.equal(result.ours.code, result.real.code, `sv ${args.join(' ')} exit code`);
    await assertSame(roots, `after sv ${args.join(' ')}`, expected);
  }

  const logDown = await Promise.all(IMPLS.map((impl) => runCommand(realBin('sv'), ['-v', 'down', './svc/log'], { cwd: roots[impl] })));
  assert.equal(normaliseSv(logDown[0]!.stdout), normaliseSv(logDown[1]!.stdout));
  await assertSame(roots, 'log down', /^down: \.\/svc: Ns, normally up; down: log: Ns, normally up\n$/);

  const exit = await svBoth(roots, ['-v', 'exit']);
  assert.equal(exit.ours.out, exit.real.out, 'sv -v exit');
  assert.equal(exit.ours.code, 0);
  assert.equal(exit.real.code, 0);
});

test('a service in finish shows state finish with the finish pid (RSV-8, RSV-20)', { skip: NEEDS_RUNIT, timeout: 60_000 }, async (t) => {
  const roots = await pairOfServices(t, {
    run: 'exec sleep 1000',
    finish: 'echo "$1 $2" > ../finish-args; exec sleep 3',
  });
  await assertSame(roots, 'start', /^run: \.\/svc: \(pid N\) Ns\n$/);
  await svBoth(roots, ['down']);
  await assertSame(roots, 'finishing', /^finish: \.\/svc: \(pid N\) Ns, want down\n$/);
  await assertSame(roots, 'down after finish', /^down: \.\/svc: Ns, normally up\n$/);
  for (const impl of IMPLS) assert.equal(readText(join(roots[impl], 'finish-args')), '-1 15\n', `${impl}: killed by TERM`);
});

test('finish arguments after an exit code and after SIGKILL (RSV-19)', { skip: NEEDS_RUNIT, timeout: 60_000 }, async (t) => {
  const roots = await pairOfServices(t, {
    run: 'if [ -e ../exited-once ]; then exec sleep 1000; fi; touch ../exited-once; exit 3',
    finish: 'echo "$1 $2" >> ../finish-args',
  });
  for (const impl of IMPLS) {
    await waitFor(`${impl}: finish after exit 3`, () => readText(join(roots[impl], 'finish-args')) === '3 0\n');
  }
  await assertSame(roots, 'restarted', /^run: \.\/svc: \(pid N\) Ns\n$/);
  await svBoth(roots, ['kill']);
  for (const impl of IMPLS) {
    await waitFor(`${impl}: finish after SIGKILL`, () => readText(join(roots[impl], 'finish-args')) === '3 0\n-1 9\n');
  }
});

test('a down file: normally down, once, and the status while running', { skip: NEEDS_RUNIT, timeout: 60_000 }, async (t) => {
  const roots = await pairOfServices(t, { run: 'exec sleep 1000', down: true });
  await assertSame(roots, 'start', /^down: \.\/svc: Ns\n$/);
  await svBoth(roots, ['-v', 'once']);
  await assertSame(roots, 'once', /^run: \.\/svc: \(pid N\) Ns, normally down, want down\n$/);
  await svBoth(roots, ['-v', 'up']);
  await assertSame(roots, 'up', /^run: \.\/svc: \(pid N\) Ns, normally down\n$/);
});

test('every signal command reaches the service as the same signal (RSV-24, SV-3)', { skip: NEEDS_RUNIT, timeout: 60_000 }, async (t) => {
  const names = ['HUP', 'ALRM', 'INT', 'QUIT', 'USR1', 'USR2'];
  const traps = names.map((name) => `trap 'echo ${name} >> ../signals' ${name}`).join('\n');
  const roots = await pairOfServices(t, { run: `${traps}\necho ready >> ../signals\nwhile :; do sleep 0.05; done` });
  for (const impl of IMPLS) await waitFor(`${impl} traps installed`, () => readText(join(roots[impl], 'signals')) === 'ready\n');
  const commands = ['hup', 'alarm', 'interrupt', 'quit', '1', '2'];
  for (const [index, command] of commands.entries()) {
    const result = await svBoth(roots, [command]);
    assert.equal(result.ours.code, 0);
    assert.equal(result.real.code, 0);
    for (const impl of IMPLS) {
      await waitFor(`${impl} got ${names[index]}`, () => readText(join(roots[impl], 'signals'))?.endsWith(`${names[index]}\n`));
    }
  }
  assert.equal(readText(join(roots.ours, 'signals')), readText(join(roots.real, 'signals')));
});
