// `listen` (issue 19, docs/extensions.md): sockets the supervisor binds and holds across every
// restart, passed as LISTEN_FDS. A TCP client hammering a service through 50 restarts driven by
// real runit's sv (`sv t`, a crash, `sv d` then `u`) sees no refused connection, in both
// topologies; LISTEN_PID is the service's pid, LISTEN_FDNAMES as written; a unix socket gets
// its mode; udp works; a port in use or a bad line is a warning and a retry, never a start.
import assert from 'node:assert/strict';
import { lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { createSocket } from 'node:dgram';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { Client } from '../../src/index.js';
import { NEEDS_RUNIT, ourBin, realBin } from '../helpers/binaries.js';
import { TOPOLOGIES, startExtendedTree } from '../helpers/extension-tree.js';
import { runCommand, waitRunning } from '../helpers/sv-run.js';
import { waitFor } from '../helpers/wait-for.js';

/** Answers each connection with what it was given; `crash` makes it exit 1 (a crash). */
const SERVER = `
import net from 'node:net';
import dgram from 'node:dgram';
const about = JSON.stringify({ pid: process.pid, listenPid: Number(process.env.LISTEN_PID), fds: process.env.LISTEN_FDS, names: process.env.LISTEN_FDNAMES });
const names = (process.env.LISTEN_FDNAMES ?? '').split(':');
names.forEach((name, index) => {
  const fd = 3 + index;
  if (name === 'dns') {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (message, peer) => socket.send(about, peer.port, peer.address));
    socket.bind({ fd });
    return;
  }
  const server = net.createServer((connection) => {
    connection.on('error', () => {});
    connection.once('data', (data) => {
      if (data.toString().startsWith('crash')) process.exit(1);
      connection.end(about + '\\n');
    });
  }).listen({ fd });
  // As a real server stops: no more accepting (the queue stays in the held socket), answer what it has.
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
});
`;

interface Answer {
  pid: number;
  listenPid: number;
  fds: string;
  names: string;
}

function ask(connect: { port: number } | { path: string }, text = 'hello\n'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = 'path' in connect ? createConnection(connect.path) : createConnection(connect.port, '127.0.0.1');
    // Generous: a connection may wait in the backlog through a restart, but never forever.
    socket.setTimeout(30_000, () => socket.destroy(Object.assign(new Error('no answer in 30 s'), { code: 'TIMEOUT' })));
    let data = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(text));
    socket.on('end', () => {
      try {
        resolve(JSON.parse(data) as Answer);
      } catch {
        reject(Object.assign(new Error(`no answer: ${JSON.stringify(data)}`), { code: 'NOANSWER' }));
      }
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sv = (...args: string[]): Promise<unknown> => runCommand(realBin('sv'), args);

for (const topology of TOPOLOGIES) {
  describe(`listen, ${topology.label}`, { skip: NEEDS_RUNIT, timeout: 240_000 }, () => {
    test('50 restarts (sv t, a crash, sv d then u): zero refused connections, LISTEN_PID the pid, names as written', async (t) => {
      const port = await freePort();
      const { dir, tree } = startExtendedTree(t, topology, {
        web: {
          run: `exec ${process.execPath} ../../server.mjs`,
          // Restarts without runit's one-second pause: the test is about queueing, not waiting.
          files: { listen: `tcp:127.0.0.1:${port} name=http\n`, 'restart-backoff': '10\n' },
        },
      });
      writeFileSync(join(dirname(dir), 'server.mjs'), SERVER);
      const service = join(dir, 'web');
      await waitRunning(service);
      const answers: Answer[] = [];
      const errors = new Map<string, number>();
      let isHammering = true;
      t.after(() => (isHammering = false));
      const hammer = async (): Promise<void> => {
        while (isHammering) {
          try {
            answers.push(await ask({ port }));
          } catch (error) {
            const code = (error as { code?: string }).code ?? 'unknown';
            errors.set(code, (errors.get(code) ?? 0) + 1);
          }
        }
      };
      const clients = [hammer(), hammer(), hammer()];
      const firstPid = await waitRunning(service);
      await waitFor('an answer from the first instance', () => answers.some((answer) => answer.pid === firstPid), { timeout: 20_000 });
      const pids = new Set<number>();
      for (let restart = 0; restart < 50; restart++) {
        const before = await waitRunning(service);
        pids.add(before);
        if (restart % 3 === 0) await sv('t', service);
        else if (restart % 3 === 1) await ask({ port }, 'crash\n').catch(() => undefined);
        else {
          await sv('d', service);
          await waitFor('the service to be down', async () => (await new Client(service).status()).state === 'down');
          await sv('u', service);
        }
        const after = await waitFor(`restart ${restart} to give a new pid`, async () => {
          const status = await new Client(service).status();
          return status.state === 'run' && status.pid !== before && status.pid;
        }, { timeout: 20_000, interval: 20 });
        // Each instance serves before the next restart: a queue that only moves on is no proof.
        await waitFor(`an answer from instance ${restart + 2}`, () => answers.some((answer) => answer.pid === after), { timeout: 20_000 });
      }
      pids.add(await waitRunning(service));
      isHammering = false;
      await Promise.all(clients);
      t.diagnostic(`${answers.length} answers from ${pids.size} instances; errors: ${JSON.stringify(Object.fromEntries(errors))}`);
      assert.equal(errors.get('ECONNREFUSED') ?? 0, 0, 'no connection refused');
      assert.ok(pids.size >= 51, `${pids.size} instances`);
      assert.ok(answers.length >= 50);
      for (const answer of answers) {
        assert.equal(answer.listenPid, answer.pid, 'LISTEN_PID is the pid of the process that answers');
        assert.deepEqual([answer.fds, answer.names], ['1', 'http']);
      }
      assert.equal(new Set(answers.map((answer) => answer.pid)).size, pids.size, 'every instance answered');
      assert.doesNotMatch(tree.stderr(), /listen/);
    });

    test('a unix socket with its mode and udp, named; shown by sv -j and Client; closed at sv x', async (t) => {
      const port = await freePort();
      const { dir } = startExtendedTree(t, topology, {
        multi: {
          run: `exec ${process.execPath} ../../server.mjs`,
          files: { listen: `unix:ctl.sock 0640 name=ctl\nudp:127.0.0.1:${port} name=dns\n` },
        },
      });
      writeFileSync(join(dirname(dir), 'server.mjs'), SERVER);
      const service = join(dir, 'multi');
      const pid = await waitRunning(service);
      const path = join(service, 'ctl.sock');
      assert.ok(lstatSync(path).isSocket());
      assert.equal(lstatSync(path).mode & 0o777, 0o640);
      const overUnix = await waitFor('an answer on the unix socket', () => ask({ path }).catch(() => undefined));
      assert.deepEqual(overUnix, { pid, listenPid: pid, fds: '2', names: 'ctl:dns' });

      const udp = createSocket('udp4');
      t.after(() => udp.close());
      const reply = new Promise<string>((resolve) => udp.once('message', (message) => resolve(message.toString())));
      await waitFor('a udp answer', async () => {
        udp.send('ping', port, '127.0.0.1');
        return Promise.race([reply, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 200))]);
      });
      assert.equal(JSON.parse(await reply).pid, pid);

      const expected = [
        { address: 'unix:ctl.sock', name: 'ctl', isBound: true },
        { address: `udp:127.0.0.1:${port}`, name: 'dns', isBound: true },
      ];
      assert.deepEqual((await new Client(service).status()).fds, { listen: expected, stored: [], fdstoreMax: 0 });
      const json = JSON.parse((await runCommand(ourBin('sv'), ['-j', 'status', service])).stdout) as Record<string, unknown>;
      assert.deepEqual(json['fds'], { listen: expected, stored: [], fdstoreMax: 0 });

      await sv('x', service);
      await waitFor('the socket file to be removed at sv x', () => {
        try {
          lstatSync(path);
          return false;
        } catch {
          return true;
        }
      });
    });

    test('a port in use and a bad line: a warning, no start, a retry; started once bindable', async (t) => {
      const port = await freePort();
      const blocker: Server = createServer();
      await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
      t.after(() => void blocker.close());
      const { dir, tree } = startExtendedTree(t, topology, {
        busy: { run: `exec ${process.execPath} ../../server.mjs`, files: { listen: `tcp:127.0.0.1:${port}\n` } },
        bad: { run: `exec ${process.execPath} ../../server.mjs`, files: { listen: 'tcp:localhost:80\n' } },
      });
      writeFileSync(join(dirname(dir), 'server.mjs'), SERVER);
      await waitFor('the warnings', () => {
        const text = tree.stderr();
        return (
          text.includes(`runsv busy: warning: listen: unable to bind tcp:127.0.0.1:${port}: address already used\n`) &&
          text.includes('runsv bad: warning: listen: line 1: not a socket to listen on: tcp:localhost:80\n')
        );
      }, { timeout: 20_000 });
      for (const name of ['busy', 'bad']) {
        // The warning comes as the supervisor starts, before its supervise/ok exists.
        const status = await waitFor(`${name}'s status`, () => new Client(join(dir, name)).status().catch(() => undefined));
        assert.deepEqual([status.state, status.want], ['down', 'up'], name);
      }
      assert.equal((await new Client(join(dir, 'busy')).status()).fds?.listen[0]?.isBound, false);
      await new Promise((resolve) => blocker.close(resolve));
      writeFileSync(join(dir, 'bad', 'listen'), `tcp:127.0.0.1:${await freePort()}\n`);
      const busyPid = await waitRunning(join(dir, 'busy'), 20_000);
      await waitRunning(join(dir, 'bad'), 20_000);
      assert.equal((await ask({ port })).listenPid, busyPid);
      // Each reason once, not once a retry.
      assert.equal(tree.stderr().split('address already used').length, 2, tree.stderr());
    });

    test('without the files nothing changes: no LISTEN_ variables, no fds file, no fds in sv -j', async (t) => {
      const { dir } = startExtendedTree(t, topology, {
        plain: { run: 'env > env.txt\nexec sleep 1000' },
      });
      const service = join(dir, 'plain');
      await waitRunning(service);
      const env = await waitFor('env.txt', () => {
        const text = readFileSync(join(service, 'env.txt'), 'utf8');
        return text.length > 0 && text;
      });
      assert.doesNotMatch(env, /^LISTEN_/m);
      assert.throws(() => lstatSync(join(service, 'supervise', 'fds')), { code: 'ENOENT' });
      assert.equal((await new Client(service).status()).fds, undefined);
      const json = JSON.parse((await runCommand(ourBin('sv'), ['-j', 'status', service])).stdout) as Record<string, unknown>;
      assert.equal('fds' in json, false);
    });
  });
}
