// node-runit/daemon under our supervisor (issue 20): the example HTTP service with `listen` (the
// supervisor holds the socket across restarts) and `notify-socket`. A client sends 200 requests a
// second through 20 reloads (`sv hup`) and 20 restarts (`sv t`): not one fails, a reload keeps
// the pid and counts the generation up, a restart brings a new pid. And `sv -w` waits for the
// daemon's readiness through both protocols (notify-socket, notification-fd).
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Client } from '../../src/index.js';
import { ourBin } from '../helpers/binaries.js';
import { DAEMON_EXAMPLE, get } from '../helpers/daemon-harness.js';
import { startExtendedTree, TOPOLOGIES } from '../helpers/extension-tree.js';
import { runCommand } from '../helpers/sv-run.js';
import { waitFor } from '../helpers/wait-for.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function exampleRun(port: number): string {
  return `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(DAEMON_EXAMPLE)} 2>/dev/null\n`.replace(/^/, `HTTP_ADDR=127.0.0.1:${port}; export HTTP_ADDR\n`);
}

/** `pid=P generation=G` of one answer. */
function parse(body: string): { pid: number; generation: number } {
  const match = /^pid=(\d+) generation=(\d+)\n$/.exec(body);
  assert.ok(match, `unexpected answer ${JSON.stringify(body)}`);
  return { pid: Number(match[1]), generation: Number(match[2]) };
}

describe('node-runit/daemon under our supervisor', { timeout: 120_000 }, () => {
  test('200 requests/s through 20 sv hup and 20 sv t: zero failures, pid kept by reloads, new pid per restart', async (t) => {
    const port = await freePort();
    const { dir } = startExtendedTree(t, TOPOLOGIES[0], {
      web: { run: exampleRun(port), files: { 'notify-socket': '', listen: `tcp:127.0.0.1:${port} name=http\n` } },
    });
    const service = join(dir, 'web');
    const client = new Client(service);
    await client.waitReady(20_000);
    let sent = 0;
    let inFlight = 0;
    const failures: string[] = [];
    let last = parse(await get(port));
    const loadStarted = Date.now();
    // 200 a second by the clock: each tick sends what the rate owes (timers drift on a busy machine).
    const load = setInterval(() => {
      while (sent < ((Date.now() - loadStarted) * 200) / 1000) {
        sent++;
        inFlight++;
        get(port).then(
          (body) => void parse(body),
          (error: Error) => failures.push(error.message),
        ).finally(() => inFlight--);
      }
    }, 5);
    t.after(() => clearInterval(load));
    const started = Date.now();
    for (let cycle = 0; cycle < 20; cycle++) {
      assert.equal((await runCommand(ourBin('sv'), ['hup', service])).code, 0);
      const next = await waitFor('the next generation', async () => {
        const answer = parse(await get(port));
        return answer.generation === last.generation + 1 ? answer : undefined;
      });
      assert.equal(next.pid, last.pid, 'a reload keeps the pid');
      last = next;
    }
    for (let cycle = 0; cycle < 20; cycle++) {
      assert.equal((await runCommand(ourBin('sv'), ['t', service])).code, 0);
      const next = await waitFor('a new process answering', async () => {
        const answer = parse(await get(port));
        return answer.pid !== last.pid ? answer : undefined;
      });
      assert.equal(next.generation, 1);
      last = next;
    }
    clearInterval(load);
    await waitFor('every request answered', () => inFlight === 0);
    const seconds = (Date.now() - started) / 1000;
    t.diagnostic(`${sent} requests in ${seconds.toFixed(1)} s (${Math.round(sent / seconds)}/s), ${failures.length} failed`);
    assert.deepEqual(failures, []);
    assert.ok(sent / seconds >= 190, `the client sent ${Math.round(sent / seconds)}/s`);
  });

  for (const [protocol, files] of [
    ['notify-socket', { 'notify-socket': '' }],
    ['notification-fd', { 'notification-fd': '3\n' }],
  ] as const) {
    test(`sv -w waits for the daemon's readiness through ${protocol}`, async (t) => {
      const port = await freePort();
      const { dir } = startExtendedTree(t, TOPOLOGIES[0], {
        web: { run: exampleRun(port), files: { ...files, down: '' } },
      });
      const service = join(dir, 'web');
      await waitFor('supervise/ok', async () => (await runCommand(ourBin('sv'), ['status', service])).stdout.startsWith('down:'));
      const result = await runCommand(ourBin('sv'), ['-w', '10', 'up', service]);
      assert.equal(result.code, 0, result.stdout);
      assert.match(result.stdout, /^ok: run: /);
      const status = await new Client(service).status();
      assert.equal(status.ready, true);
      assert.equal(parse(await get(port)).pid, status.pid);
    });
  }
});
