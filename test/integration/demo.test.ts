// The README's first command: the demo starts every service (and log service) under our
// runsvdir --in-process, serves HTTP on the given port, rotates the ticker's log, and on SIGINT
// stops everything and exits 0 with no process left.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { DevTree } from '../../src/index.js';
import { REPO_ROOT } from '../helpers/binaries.js';
import { isAlive } from '../helpers/procs.js';
import { descendantsOf, startScanner } from '../helpers/scanner-proc.js';
import { waitFor } from '../helpers/wait-for.js';

/** A port something else listens on for the rest of the test. */
function occupyPort(t: { after(fn: () => void | Promise<void>): void }): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      t.after(() => new Promise<void>((done) => server.close(() => done())));
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

test('npm run demo: every service runs, the web answers, logs rotate, Ctrl-C stops it all', { timeout: 90_000 }, async (t) => {
  // The port asked for is taken: the demo says so and serves on a free one (issue 17).
  const taken = await occupyPort(t);
  const demo = startScanner(t, process.execPath, [join(REPO_ROOT, 'dist/src/demo/cli.js')], (proc) => void proc.child.kill('SIGINT'), {
    env: { ...process.env, DEMO_PORT: String(taken) },
  });
  const base = await waitFor('the demo to print its tree', () => /supervised by runsvdir --in-process in (\S+)\n/.exec(demo.stdout())?.[1], { timeout: 30_000 });
  assert.match(demo.stdout(), new RegExp(`^port ${taken} is taken; web listens on \\d+ instead`, 'm'));
  const port = Number(/curl http:\/\/127\.0\.0\.1:(\d+)\//.exec(demo.stdout())?.[1]);
  assert.notEqual(port, taken, 'the curl line names the port web listens on');
  const tree = new DevTree(base);
  await waitFor(
    'web, worker and ticker (and their logs) supervised, web and ticker running',
    async () => {
      const list = await tree.status();
      const byName = new Map(list.map((s) => [s.name, s]));
      return list.length === 3 && list.every((s) => s.isEnabled && s.isSupervised) && byName.get('web')?.status?.state === 'run' && byName.get('ticker')?.status?.state === 'run';
    },
    { timeout: 30_000 },
  );
  const body = await waitFor('the web service to answer', async () => (await fetch(`http://127.0.0.1:${port}/`)).text(), { timeout: 20_000 });
  assert.equal(body, 'hello from node-runit\n');
  await waitFor('the worker to crash and be restarted', () => {
    const log = join(tree.servicesDir, 'worker/log/main/current');
    return existsSync(log) && readFileSync(log, 'utf8').includes('finish: ./run exited with 1');
  }, { timeout: 30_000 });
  await waitFor('the ticker log to rotate', () => readdirSync(join(tree.servicesDir, 'ticker/log/main')).some((name) => name.startsWith('@')), { timeout: 40_000 });

  const pids = [demo.pid, ...descendantsOf(demo.pid), ...demo.descendants()];
  await demo.stop();
  const result = await demo.exited;
  assert.deepEqual(result, { code: 0, signal: null }, demo.stderr());
  assert.match(demo.stdout(), /all stopped\.\n$/);
  assert.deepEqual(pids.filter(isAlive), [], 'no process left');
  assert.equal(existsSync(base), false, 'the tree is removed');
});
