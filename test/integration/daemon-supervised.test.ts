// node-runit/daemon under our supervisor (issue 20): the example HTTP service with `listen` (the
// supervisor holds the socket across restarts) and `notify-socket`. A client sends 200 requests a
// second through 20 reloads (`sv hup`) and 20 restarts (`sv t`): not one fails, a reload keeps
// the pid and counts the generation up, a restart brings a new pid. And `sv -w` waits for the
// daemon's readiness through both protocols (notify-socket, notification-fd). And the fd store
// (`fdstore-max`) keeps a TCP connection the daemon parked across a restart of the process.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Client } from '../../src/index.js';
import { ourBin } from '../helpers/binaries.js';
import { DAEMON_FDSTORE_FIXTURE, exampleRun, freePort, get, parseAnswer as parse, startLoad } from '../helpers/daemon-harness.js';
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

  test('the fd store round-trips a socket: a connection parked by one process is written to by the next', async (t) => {
    const lines: string[] = [];
    const connections = new Set<Socket>();
    const peer = createServer((socket) => {
      connections.add(socket);
      let text = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
        while (text.includes('\n')) {
          lines.push(`${connections.size}: ${text.slice(0, text.indexOf('\n'))}`);
          text = text.slice(text.indexOf('\n') + 1);
        }
      });
    });
    await new Promise<void>((resolve) => peer.listen({ host: '127.0.0.1', port: 0 }, resolve));
    t.after(() => {
      for (const socket of connections) socket.destroy();
      peer.close();
    });
    const peerPort = (peer.address() as { port: number }).port;
    const { dir } = startExtendedTree(t, TOPOLOGIES[0], {
      keeper: {
        run: `DAEMON_PEER_PORT=${peerPort} exec ${JSON.stringify(process.execPath)} ${JSON.stringify(DAEMON_FDSTORE_FIXTURE)}`,
        files: { 'notify-socket': '', 'fdstore-max': '4\n' },
      },
    });
    const service = join(dir, 'keeper');
    const client = new Client(service);
    await client.waitReady(20_000);
    const first = (await client.status()).pid;
    await waitFor('the connection in supervise/fds', () => readFileSync(join(service, 'supervise/fds'), 'utf8').includes('"name":"peer","type":"socket"'));
    assert.deepEqual(lines, [`1: stored by pid=${first}`]);
    assert.equal((await runCommand(ourBin('sv'), ['t', service])).code, 0);
    const second = await waitFor('a new process', async () => {
      const pid = (await client.status()).pid;
      return pid !== first && pid > 0 ? pid : undefined;
    });
    await waitFor('the restored line', () => lines.length === 2);
    assert.deepEqual(lines, [`1: stored by pid=${first}`, `1: restored by pid=${second}`], 'the same connection, written by the next process');
  });
});
