// What pidof, pgrep -x and ps -C find (issue 15): every program's comm is its runit name, under
// real runit and ours in both topologies, and runsvdir's stays so while its log window scrolls.
// Debian's /lib/runit/trigger_sv and /lib/lsb/init-functions.d/40-runit decide with
// `pidof runsvdir` whether runit supervises anything (RSD-3, RSD-6, CHP-3).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { NEEDS_RUNIT, OUR_BIN, ourBin, realBin } from '../helpers/binaries.js';
import { readParent, spawnTracked } from '../helpers/procs.js';
import { makeTreeRoot, pathWith, startRunsvdirTree } from '../helpers/runsvdir-tree.js';
import { makeService } from '../helpers/service-dir.js';
import { readStatus } from '../helpers/supervise-files.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitRunning } from '../helpers/sv-run.js';
import { waitFor } from '../helpers/wait-for.js';

const TOPOLOGIES = [
  { label: 'real runsvdir', command: realBin('runsvdir'), flags: [] as string[], first: '/usr/bin', hasRunsv: true },
  { label: 'our runsvdir', command: ourBin('runsvdir'), flags: [] as string[], first: OUR_BIN, hasRunsv: true },
  { label: 'our runsvdir --in-process', command: ourBin('runsvdir'), flags: ['--in-process'], first: OUR_BIN, hasRunsv: false },
];

/** The scripts (from the runit package) whose decisions hang on `pidof runsvdir`. */
const DEBIAN_SCRIPTS = ['/lib/runit/trigger_sv', '/lib/lsb/init-functions.d/40-runit'];

function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'latin1').trimEnd();
  } catch {
    return '';
  }
}

/**
 * Whether `pid` runs under `name` for good: the kernel names a `#!` script's process after the
 * script until its interpreter (env, then node) replaces it, so a comm seen while env runs is early.
 */
function isNamed(pid: number, name: string): boolean {
  try {
    return commOf(pid) === name && basename(readlinkSync(`/proc/${pid}/exe`)) !== 'env';
  } catch {
    return false;
  }
}

function pidsFrom(file: string, args: readonly string[]): number[] {
  const result = spawnSync(file, args, { encoding: 'utf8' });
  return result.stdout.split(/\s+/).filter((word) => word !== '').map(Number);
}

function isFoundAs(name: string, pid: number): boolean {
  // Other tests may run their own programs meanwhile: ours must be among those found.
  return (
    commOf(pid) === name &&
    pidsFrom('pidof', [name]).includes(pid) &&
    pidsFrom('pgrep', ['-x', name]).includes(pid) &&
    pidsFrom('ps', ['-C', name, '-o', 'pid=']).includes(pid)
  );
}

/**
 * Asserts that comm is `name` and that pidof, pgrep -x and ps -C each name `pid` when asked for
 * it. Polled for a while first: a CI run on Node 24 once read comm as `node` right after it had
 * read `svlogd` (not reproduced since); a lookup must succeed, and keep succeeding, within it.
 */
async function assertFoundAs(name: string, pid: number, what: string): Promise<void> {
  await waitFor(`${what}: found as ${name}`, () => isFoundAs(name, pid), { timeout: 5_000 }).catch(() => undefined);
  assert.equal(commOf(pid), name, `${what}: comm`);
  assert.ok(pidsFrom('pidof', [name]).includes(pid), `${what}: pidof ${name}`);
  assert.ok(pidsFrom('pgrep', ['-x', name]).includes(pid), `${what}: pgrep -x ${name}`);
  assert.ok(pidsFrom('ps', ['-C', name, '-o', 'pid=']).includes(pid), `${what}: ps -C ${name}`);
}

describe('process names', { skip: NEEDS_RUNIT }, () => {
  for (const topology of TOPOLOGIES) {
    test(`${topology.label}: pidof finds runsvdir, runsv, svlogd and chpst's program`, { timeout: 60_000 }, async (t) => {
      const dir = join(makeTreeRoot(), 'sv');
      // A message on fd 2 scrolls into runsvdir's title, which must keep its comm.
      const svc = makeService(join(dir, 'a'), {
        run: 'echo a-says-hi >&2\nexec chpst sleep 1000',
        log: { run: 'mkdir -p main\nexec chpst svlogd -tt ./main' },
      });
      const log = `log: ${'.'.repeat(60)}`;
      const env = { ...process.env, PATH: pathWith(topology.first) };
      const tree = startRunsvdirTree(t, topology.command, [...topology.flags, '-P', dir, log], env, dirname(dir));
      const label = topology.label;

      const servicePid = await waitRunning(svc);
      await waitFor(`${label}: chpst to become sleep`, () => isNamed(servicePid, 'sleep'));
      await assertFoundAs('sleep', servicePid, `${label}: chpst's program`);

      const args = await waitFor(`${label}: the message in runsvdir's title`, () => {
        const text = execFileSync('ps', ['-o', 'args=', '-p', String(tree.pid)], { encoding: 'utf8' });
        return text.includes('a-says-hi') ? text : undefined;
      });
      assert.match(args, /^(\S*\/)?runsvdir (--in-process )?-P \S+ log: \.*a-says-hi/, `${label}: ps shows the log window`);
      await assertFoundAs('runsvdir', tree.pid, label);

      const supervisor = readParent(servicePid);
      if (topology.hasRunsv) await assertFoundAs('runsv', supervisor, `${label}: runsv`);
      else assert.equal(supervisor, tree.pid, `${label}: the service is runsvdir's own child`);

      const svlogd = await waitFor(`${label}: svlogd to run`, () => {
        const pid = readStatus(join(svc, 'log'))?.pid ?? 0;
        return pid > 0 && isNamed(pid, 'svlogd') ? pid : undefined;
      });
      await assertFoundAs('svlogd', svlogd, `${label}: svlogd`);

      // Debian's check, as its scripts run it.
      for (const script of DEBIAN_SCRIPTS.filter((path) => existsSync(path))) {
        assert.match(readFileSync(script, 'utf8'), /pidof runsvdir > \/dev\/null/, script);
      }
      const check = spawnSync('/bin/sh', ['-c', 'pidof runsvdir > /dev/null'], { env });
      assert.equal(check.status, 0, `${label}: pidof runsvdir > /dev/null`);
    });
  }

  for (const [side, bin] of [
    ['real', realBin],
    ['ours', ourBin],
  ] as const) {
    test(`${side}: runsv and svlogd started alone are found by name`, { timeout: 30_000 }, async (t) => {
      const root = makeTempDir(t);
      makeService(join(root, 'svc'));
      const runsv = spawnTracked(t, bin('runsv'), ['svc'], { cwd: root });
      await waitRunning(join(root, 'svc'));
      await waitFor(`${side} runsv's name`, () => isNamed(runsv.pid, 'runsv'));
      await assertFoundAs('runsv', runsv.pid, `${side} runsv`);
      mkdirSync(join(root, 'main'));
      const svlogd = spawnTracked(t, bin('svlogd'), ['-tt', join(root, 'main')], { stdio: ['pipe', 'ignore', 'pipe'] });
      await waitFor(`${side} svlogd's name`, () => isNamed(svlogd.pid, 'svlogd'));
      await assertFoundAs('svlogd', svlogd.pid, `${side} svlogd`);
      svlogd.child.stdin?.end();
      assert.equal((await svlogd.exited).code, 0);
    });
  }
});
