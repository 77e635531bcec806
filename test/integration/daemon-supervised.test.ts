// node-runit/daemon under our supervisor (issue 20): the example HTTP service with `listen` (the
// supervisor holds the socket across restarts) and `notify-socket`. A client sends 200 requests a
// second through 20 reloads (`sv hup`) and 20 restarts (`sv t`): not one fails, a reload keeps
// the pid and counts the generation up, a restart brings a new pid. And `sv -w` waits for the
// daemon's readiness through both protocols (notify-socket, notification-fd).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Client } from '../../src/index.js';
import { ourBin } from '../helpers/binaries.js';
import { exampleRun, freePort, get, parseAnswer as parse, startLoad } from '../helpers/daemon-harness.js';
import { startExtendedTree, TOPOLOGIES } from '../helpers/extension-tree.js';
import { runCommand } from '../helpers/sv-run.js';
import { waitFor } from '../helpers/wait-for.js';

describe('node-runit/daemon under our supervisor', { timeout: 120_000 }, () => {
  test('200 requests/s through 20 sv hup and 20 sv t: zero failures, pid kept by reloads, new pid per restart', async (t) => {
    const port = await freePort();
    const { dir } = startExtendedTree(t, TOPOLOGIES[0], {
      web: { run: exampleRun(port), files: { 'notify-socket': '', listen: `tcp:127.0.0.1:${port} name=http\n` } },
    });
    const service = join(dir, 'web');
    const client = new Client(service);
    await client.waitReady(20_000);
    let last = parse(await get(port));
    const load = startLoad(t, port);
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
    const { sent, seconds, failures } = await load.stop();
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
