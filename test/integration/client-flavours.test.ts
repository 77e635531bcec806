// The client's daemontools and s6 flavours against the real supervisors installed here:
// daemontools 0.76 `supervise` (18-byte record, checked with `svstat`) and s6 2.11.3.2
// `s6-supervise` (35-byte record, checked with `s6-svstat -o`).
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { once } from 'node:events';
import { Client, StatusReader, type Flavour, type Status } from '../../src/index.js';
import { isAlive, killPid } from '../helpers/procs.js';
import { BODY, makeServices } from '../helpers/service-dir.js';
import { poke } from '../helpers/supervise-files.js';
import { waitFor } from '../helpers/wait-for.js';

function missing(...bins: string[]): string | false {
  try {
    for (const bin of bins) accessSync(bin, constants.X_OK);
    return false;
  } catch {
    return `${bins.join(', ')} not installed (apt-get install -y daemontools s6)`;
  }
}

interface Facts {
  up: boolean;
  pid: number;
  paused: boolean;
  wantUp: boolean;
  normallyUp: boolean;
}

/** svstat: `DIR: up (pid N) S seconds[, normally down][, paused][, want down]` or `DIR: down S seconds[, normally up][, want up]`. */
function svstat(dir: string): Facts {
  const text = execFileSync('/usr/bin/svstat', [dir], { encoding: 'utf8' });
  const up = /: up \(pid (\d+)\)/.exec(text);
  return {
    up: up !== null,
    pid: up === null ? 0 : Number(up[1]),
    paused: text.includes(', paused'),
    wantUp: up === null ? text.includes(', want up') : !text.includes(', want down'),
    normallyUp: up === null ? text.includes(', normally up') : !text.includes(', normally down'),
  };
}

function s6svstat(dir: string): Facts {
  const words = execFileSync('/usr/bin/s6-svstat', ['-o', 'up,pid,paused,wantedup,normallyup', dir], { encoding: 'utf8' })
    .trim()
    .split(/\s+/);
  return {
    up: words[0] === 'true',
    pid: Number(words[1]) > 0 ? Number(words[1]) : 0,
    paused: words[2] === 'true',
    wantUp: words[3] === 'true',
    normallyUp: words[4] === 'true',
  };
}

function factsOf(status: Status): Facts {
  return { up: status.state === 'run', pid: status.pid, paused: status.isPaused, wantUp: status.want === 'up', normallyUp: status.normallyUp };
}

/**
 * Stops a supervisor we started: `dx` until it exits (the FIFO may not exist yet), KILL after
 * 10 s; then KILLs the service pid its last record names, if that process is still alive.
 */
async function stopSupervisor(dir: string, flavour: Flavour, child: ChildProcess): Promise<void> {
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  await waitFor('the supervisor to exit', () => gone() || void poke(dir, 'dx'), { timeout: 10_000, interval: 50 }).catch(() => {
    child.kill('SIGKILL');
  });
  if (!gone()) await once(child, 'exit');
  try {
    const pid = new StatusReader(flavour).read(dir, { checkAlive: false, withLog: false }).pid;
    if (pid > 0 && isAlive(pid)) killPid(pid);
  } catch {
    // no record was ever written
  }
}

const FLAVOURS: { flavour: Flavour; supervise: string; facts: (dir: string) => Facts; skip: string | false }[] = [
  { flavour: 'daemontools', supervise: '/usr/bin/supervise', facts: svstat, skip: missing('/usr/bin/supervise', '/usr/bin/svstat') },
  { flavour: 's6', supervise: '/usr/bin/s6-supervise', facts: s6svstat, skip: missing('/usr/bin/s6-supervise', '/usr/bin/s6-svstat') },
];

for (const { flavour, supervise, facts, skip } of FLAVOURS) {
  describe(`client flavour ${flavour} against ${supervise}`, { skip }, () => {
    test('every operation, each status checked against the real status tool', async () => {
      const root = mkdtempSync(join(tmpdir(), `client-${flavour}-`));
      const dir = join(root, 'svc');
      makeServices(root, { svc: { run: BODY.stubborn } });
      const child: ChildProcess = spawn(supervise, [dir], { stdio: 'ignore' });
      const client = new Client(dir, { flavour });
      // daemontools writes want = 0 after `o` ("no want"), which svstat prints as nothing.
      const agree = async (what: string, accept: (status: Status) => boolean, sameWant = true): Promise<Status> => {
        const status = await client.waitFor(accept, 10_000);
        const compare = (mine: Facts, theirs: Facts): boolean =>
          JSON.stringify({ ...mine, wantUp: sameWant ? mine.wantUp : 0 }) === JSON.stringify({ ...theirs, wantUp: sameWant ? theirs.wantUp : 0 });
        await waitFor(`${what}: the real tool to agree`, () => compare(factsOf(status), facts(dir)) || undefined, { timeout: 5000 });
        assert.ok(compare(factsOf(await client.status()), facts(dir)), what);
        return status;
      };
      try {
        await waitFor('a first record', () => client.status().catch(() => undefined));
        const first = await agree('started', (s) => s.state === 'run');
        assert.ok(Math.abs(first.since.getTime() - Date.now()) < 15_000, `since ${first.since.toISOString()} is near now`);
        await client.pause();
        await agree('paused', (s) => s.isPaused);
        await client.cont();
        await agree('continued', (s) => !s.isPaused);
        for (const op of ['hup', 'alarm', 'interrupt'] as const) await client[op]();
        if (flavour === 's6') for (const op of ['quit', 'usr1', 'usr2'] as const) await client[op]();
        else await assert.rejects(client.quit(), { code: 'ERR_UNSUPPORTED' });
        assert.equal((await client.status()).pid, first.pid, 'trapped signals did not restart it');
        await client.term();
        const second = await agree('restarted by term', (s) => s.state === 'run' && s.pid !== first.pid);
        await client.kill();
        await agree('restarted by kill', (s) => s.state === 'run' && s.pid !== second.pid);
        await client.down();
        await agree('down', (s) => s.state === 'down' && s.want === 'down');
        await client.up();
        await agree('up', (s) => s.state === 'run' && s.want === 'up');
        await client.down();
        await agree('down again', (s) => s.state === 'down');
        await client.once();
        const once = await agree('once', (s) => s.state === 'run', flavour !== 'daemontools');
        assert.equal(once.want, 'down');
        await client.exit();
        await waitFor('the supervisor to exit', () => child.exitCode !== null);
        await assert.rejects(client.status(), { code: 'ERR_RUNSV_NOT_RUNNING' });
      } finally {
        await stopSupervisor(dir, flavour, child);
        rmSync(root, { recursive: true, force: true });
      }
    });

    test('normallyUp follows ./down', async () => {
      const root = mkdtempSync(join(tmpdir(), `client-${flavour}-down-`));
      const dir = join(root, 'svc');
      makeServices(root, { svc: { down: true } });
      const child = spawn(supervise, [dir], { stdio: 'ignore' });
      try {
        const client = new Client(dir, { flavour });
        const status = await waitFor('a first record', () => client.status().catch(() => undefined));
        assert.equal(status.normallyUp, false);
        assert.equal(status.state, 'down');
        assert.deepEqual(factsOf(status), facts(dir));
      } finally {
        await stopSupervisor(dir, flavour, child);
        rmSync(root, { recursive: true, force: true });
      }
    });
  });
}
