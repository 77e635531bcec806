// The client library against real runsv: every operation, typed status, errors with stable
// codes, retries while the control FIFO is not ready, and watch().
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Client, OpError, type Status } from '../../src/index.js';
import { NEEDS_RUNIT } from '../helpers/binaries.js';
import { isAlive, killPid } from '../helpers/procs.js';
import { type RunsvTree, startRunsvTree, SUPERVISORS } from '../helpers/runsv-tree.js';
import { BODY, makeServices } from '../helpers/service-dir.js';
import { poke } from '../helpers/supervise-files.js';
import { waitFor } from '../helpers/wait-for.js';

async function withTree(
  supervisor: (typeof SUPERVISORS)[number],
  services: Parameters<typeof startRunsvTree>[1],
  body: (tree: RunsvTree) => Promise<void>,
): Promise<void> {
  const tree = await startRunsvTree(supervisor, services);
  try {
    await body(tree);
  } finally {
    await tree.cleanup();
  }
}

function statFile(dir: string): string {
  return readFileSync(join(dir, 'supervise', 'stat'), 'utf8').trim();
}

for (const supervisor of SUPERVISORS) {
  describe(`client against ${supervisor.name}`, { skip: NEEDS_RUNIT, concurrency: 4 }, () => {
    test('status: typed fields, pid little-endian, normallyUp from ./down, log status', async () => {
      await withTree(supervisor, { a: { log: {} }, b: { down: true } }, async (tree) => {
        const a = await new Client(join(tree.root, 'a')).status();
        assert.equal(a.state, 'run');
        assert.equal(a.pid, Number(readFileSync(join(tree.root, 'a', 'supervise', 'pid'), 'utf8')));
        assert.equal(a.want, 'up');
        assert.equal(a.isPaused, false);
        assert.equal(a.gotTerm, false);
        assert.equal(a.normallyUp, true);
        assert.ok(Math.abs(a.since.getTime() - Date.now()) < 20_000, 'since is near now');
        assert.ok(a.uptime >= 0 && a.uptime < 20);
        assert.equal(a.log?.state, 'run');
        assert.ok((a.log?.pid ?? 0) > 0 && a.log?.pid !== a.pid);
        const b = await new Client(join(tree.root, 'b')).status();
        assert.deepEqual([b.state, b.pid, b.want, b.normallyUp, b.log], ['down', 0, 'down', false, undefined]);
      });
    });

    test('every operation has its effect', async () => {
      await withTree(supervisor, { a: { run: BODY.stubborn, down: true } }, async (tree) => {
        const dir = join(tree.root, 'a');
        const client = new Client(dir);
        await client.up();
        let status = await client.waitFor('run', 10_000);
        const firstPid = status.pid;
        await client.pause();
        await client.waitFor((s) => s.isPaused, 10_000);
        assert.match(statFile(dir), /paused/);
        await client.cont();
        await client.waitFor((s) => !s.isPaused, 10_000);
        for (const op of ['hup', 'alarm', 'interrupt', 'quit', 'usr1', 'usr2'] as const) await client[op]();
        status = await client.status();
        assert.equal(status.pid, firstPid, 'the trapped signals did not restart it');
        await client.term();
        status = await client.waitFor((s) => s.state === 'run' && s.pid !== firstPid, 10_000);
        await client.kill();
        await client.waitFor((s) => s.state === 'run' && s.pid !== status.pid, 10_000);
        await client.down();
        status = await client.waitFor('down', 10_000);
        assert.equal(status.want, 'down');
        await client.once();
        status = await client.waitFor('run', 10_000);
        assert.equal(status.want, 'down', 'once leaves want down');
        await client.exit();
        await waitFor('runsv to exit', () => tree.runsvs.get('a')?.exitCode === 0);
        await assert.rejects(client.status(), { name: 'OpError', code: 'ERR_RUNSV_NOT_RUNNING' });
      });
    });

    test('a service in finish is "finish", not running; got TERM is byte 18', async () => {
      await withTree(
        supervisor,
        { f: { run: BODY.exit0, finish: BODY.sleep, ready: 'finish' }, t: { run: BODY.ignoreTerm } },
        async (tree) => {
          const finishing = await new Client(join(tree.root, 'f')).status();
          assert.equal(finishing.state, 'finish');
          assert.ok(finishing.pid > 0);
          const client = new Client(join(tree.root, 't'));
          await client.down();
          const termed = await client.waitFor((s) => s.gotTerm, 10_000);
          assert.deepEqual([termed.state, termed.want, termed.gotTerm], ['run', 'down', true]);
        },
      );
    });

    test('errors: not supervised, runsv not running, bad record, timeout', async () => {
      const root = mkdtempSync(join(tmpdir(), 'client-errors-'));
      try {
        makeServices(root, { plain: {}, stale: {}, bad: {} });
        for (const name of ['stale', 'bad']) {
          mkdirSync(join(root, name, 'supervise'));
          execFileSync('mkfifo', [join(root, name, 'supervise', 'ok'), join(root, name, 'supervise', 'control')]);
        }
        writeFileSync(join(root, 'stale', 'supervise', 'status'), Buffer.alloc(20));
        writeFileSync(join(root, 'bad', 'supervise', 'status'), 'short');
        const fast = { retry: { attempts: 2, minDelay: 1 } };
        await assert.rejects(new Client(join(root, 'plain'), fast).up(), (error: unknown) => {
          assert.ok(error instanceof OpError);
          assert.equal(error.code, 'ERR_NOT_SUPERVISED');
          assert.equal(error.op, 'up');
          assert.equal(error.service, join(root, 'plain'));
          return true;
        });
        await assert.rejects(new Client(join(root, 'plain')).status(), { code: 'ERR_NOT_SUPERVISED' });
        await assert.rejects(new Client(join(root, 'stale'), fast).down(), { code: 'ERR_RUNSV_NOT_RUNNING' });
        await assert.rejects(new Client(join(root, 'stale')).status(), { code: 'ERR_RUNSV_NOT_RUNNING' });
        await assert.rejects(new Client(join(root, 'nonexist')).status(), { code: 'ERR_NOT_SUPERVISED' });
        await assert.rejects(new Client(join(root, 'bad'), { flavour: 'daemontools' }).quit(), { code: 'ERR_UNSUPPORTED' });
        const { openSync, closeSync, constants } = await import('node:fs');
        const fd = openSync(join(root, 'bad', 'supervise', 'ok'), constants.O_RDONLY | constants.O_NONBLOCK);
        try {
          await assert.rejects(new Client(join(root, 'bad')).status(), { code: 'ERR_DECODE' });
        } finally {
          closeSync(fd);
        }
        writeFileSync(join(root, 'stale', 'supervise', 'status'), Buffer.alloc(20));
        await assert.rejects(new Client(join(root, 'stale')).waitFor('run', 100), { code: 'ERR_TIMEOUT' });
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });

    test('control retries while the FIFO has no reader yet, then lands once runsv starts', async () => {
      const root = mkdtempSync(join(tmpdir(), 'client-retry-'));
      const dir = join(root, 'late');
      makeServices(root, { late: { down: true } });
      mkdirSync(join(dir, 'supervise'));
      execFileSync('mkfifo', [join(dir, 'supervise', 'control')]);
      const client = new Client(dir, { retry: { attempts: 200, minDelay: 5, maxDelay: 50 } });
      const sent = client.up();
      const runsv = spawn(supervisor.runsv, [dir], { stdio: 'ignore' });
      try {
        await sent;
        const status = await client.waitFor('run', 10_000);
        assert.equal(status.want, 'up');
      } finally {
        const pid = Number(readFileSync(join(dir, 'supervise', 'pid'), 'utf8')) || 0;
        poke(dir, 'xk');
        await waitFor('runsv to exit', () => runsv.exitCode !== null, { timeout: 10_000 }).catch(() => runsv.kill('SIGKILL'));
        if (pid > 0 && isAlive(pid)) killPid(pid);
        rmSync(root, { recursive: true, force: true });
      }
    });

    test('watch: up -> down -> up, no missed and no duplicate events, ends on abort', async () => {
      await withTree(supervisor, { w: {} }, async (tree) => {
        const client = new Client(join(tree.root, 'w'));
        const controller = new AbortController();
        const seen: Status[] = [];
        const collected = (async () => {
          for await (const status of client.watch({ signal: controller.signal })) seen.push(status);
        })();
        const sawState = (state: string, count: number) =>
          waitFor(`watch to report ${state} (#${count})`, () => seen.filter((s) => s.state === state).length >= count);
        await sawState('run', 1);
        await client.down();
        await sawState('down', 1);
        await client.up();
        await waitFor('a second run', () => seen.length > 1 && seen.at(-1)?.state === 'run');
        controller.abort();
        await collected;
        const states = seen.map((s) => s.state).filter((state, i, all) => i === 0 || all[i - 1] !== state);
        assert.deepEqual(states, ['run', 'down', 'run']);
        for (let i = 1; i < seen.length; i++) {
          const same = JSON.stringify({ ...seen[i - 1], uptime: 0 }) === JSON.stringify({ ...seen[i], uptime: 0 });
          assert.ok(!same, `event ${i} repeats event ${i - 1}`);
        }
      });
    });

    test('watch ends cleanly with break', async () => {
      await withTree(supervisor, { b: {} }, async (tree) => {
        let count = 0;
        for await (const status of new Client(join(tree.root, 'b')).watch()) {
          assert.equal(status.state, 'run');
          count++;
          break;
        }
        assert.equal(count, 1);
      });
    });
  });
}
