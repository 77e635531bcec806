// Issue 14, fault 0: `runit DIR` must never run the machine's stage scripts. Each run happens
// in a private mount namespace where a fake /etc/runit, whose 1, 2 and 3 only write markers, is
// bind-mounted over the real one: the machine's own scripts (Debian's /etc/runit/3 stops every
// service of the machine) can never be reached. The shell execs the init only once the bind
// mount is in place and shows the fake's sentinel; otherwise it exits 99 and nothing runs.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ourBin } from '../helpers/binaries.js';
import { descendants, killPid } from '../helpers/procs.js';
import { makeService, writeScript } from '../helpers/service-dir.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

type TestContext = { after(fn: () => void | Promise<void>): void };

const SYSTEM_STAGE_DIR = '/etc/runit';
const SENTINEL = 'node-runit-fake-stage';

const CAN_UNSHARE =
  process.getuid?.() === 0 &&
  existsSync(SYSTEM_STAGE_DIR) &&
  spawnSync('unshare', ['--pid', '--fork', '--mount-proc', '--propagation', 'private', 'true']).status === 0
    ? false
    : 'needs root, unshare(1) and an /etc/runit to hide';

// `set -e`, then the bind mount and a check that /etc/runit is now the fake: only then the init.
const GUARDED_EXEC = `set -e
mount --bind "$FAKE" ${SYSTEM_STAGE_DIR} || exit 99
grep -q ${SENTINEL} ${SYSTEM_STAGE_DIR}/1 || exit 99
exec "$@"`;

interface Run {
  /** unshare's pid: the init's own when not PID 1 (unshare and sh exec it), its parent's else. */
  pid: number;
  exited: Promise<number | null>;
  stderr(): string;
}

/** A fake stage directory whose scripts write their number into `marks/` and nothing else. */
function makeFakeStages(t: TestContext): { fake: string; marks: string; root: string } {
  const root = makeTempDir(t, 'node-runit-stages-');
  const fake = join(root, 'fake-etc-runit');
  const marks = join(root, 'marks');
  mkdirSync(fake);
  mkdirSync(marks);
  writeScript(join(fake, '1'), `# ${SENTINEL}\necho 1 > ${marks}/1`);
  writeScript(join(fake, '2'), `# ${SENTINEL}\necho 2 > ${marks}/2\nexec sleep 1000`);
  writeScript(join(fake, '3'), `# ${SENTINEL}\necho 3 > ${marks}/3`);
  return { fake, marks, root };
}

function startHidden(t: TestContext, fake: string, args: readonly string[], asPid1: boolean): Run {
  const namespace = asPid1 ? ['--pid', '--fork', '--mount-proc'] : ['--mount'];
  const command = [...namespace, '--propagation', 'private', 'sh', '-c', GUARDED_EXEC, 'sh', process.execPath, ourBin('runit'), ...args];
  const child = spawn('unshare', command, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FAKE: fake } });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.after(async () => {
    for (const pid of descendants(child.pid!)) killPid(pid);
    killPid(child.pid!);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
  });
  return { pid: child.pid!, exited, stderr: () => err };
}

/** The init below an `unshare --fork` (PID 1 inside), once it runs. */
async function initBelow(run: Run): Promise<number> {
  return waitFor('the init to start', () => {
    const first = descendants(run.pid)[0];
    return first !== undefined && readFileSync(`/proc/${first}/cmdline`, 'latin1').includes('runit') ? first : undefined;
  });
}

function makeTree(root: string): { svc: string; up: string } {
  const svc = join(root, 'service');
  const up = join(root, 'up');
  makeService(join(svc, 'app'), { run: `echo up > ${up}\nexec sleep 1000` });
  return { svc, up };
}

const marksIn = (marks: string): string[] => readdirSync(marks).sort();

describe('runit never runs the system stage scripts unless it is the system init', { skip: CAN_UNSHARE, timeout: 120_000 }, () => {
  test('runit DIR, not PID 1: no stage script at start or at TERM', async (t) => {
    const { fake, marks, root } = makeFakeStages(t);
    const { svc, up } = makeTree(root);
    const run = startHidden(t, fake, ['-g', '2', svc], false);
    await waitFor('the service to start', () => existsSync(up), { timeout: 20_000 });
    process.kill(run.pid, 'SIGTERM');
    assert.equal(await run.exited, 0, run.stderr());
    assert.deepEqual(marksIn(marks), [], run.stderr());
  });

  test('runit DIR as PID 1 (container mode): no stage script either', async (t) => {
    const { fake, marks, root } = makeFakeStages(t);
    const { svc, up } = makeTree(root);
    const run = startHidden(t, fake, ['-g', '2', svc], true);
    await waitFor('the service to start', () => existsSync(up), { timeout: 20_000 });
    const init = await initBelow(run);
    process.kill(init, 'SIGTERM');
    assert.equal(await run.exited, 0, run.stderr());
    assert.deepEqual(marksIn(marks), [], run.stderr());
  });

  test('runit without DIR as PID 1 is the system init: /etc/runit/1, 2 and 3 run', async (t) => {
    // The control: the fake is what /etc/runit names inside, so the two tests above can fail.
    const { fake, marks } = makeFakeStages(t);
    const run = startHidden(t, fake, ['-g', '2'], true);
    await waitFor('stage 2 to start', () => existsSync(join(marks, '2')), { timeout: 20_000 });
    const init = await initBelow(run);
    process.kill(init, 'SIGTERM');
    assert.equal(await run.exited, 0, run.stderr());
    assert.deepEqual(marksIn(marks), ['1', '2', '3']);
  });

  test('runit without DIR, not PID 1: refused, nothing run; -s /etc/runit too', async (t) => {
    const { fake, marks } = makeFakeStages(t);
    const bare = startHidden(t, fake, [], false);
    assert.equal(await bare.exited, 111);
    assert.equal(bare.stderr(), 'runit: fatal: must be run as process no 1 without dir.\n');
    const system = startHidden(t, fake, ['-s', SYSTEM_STAGE_DIR], false);
    assert.equal(await system.exited, 111);
    assert.equal(system.stderr(), `runit: fatal: must be run as process no 1 to run the system's stage scripts in ${SYSTEM_STAGE_DIR}.\n`);
    assert.deepEqual(marksIn(marks), []);
  });
});
