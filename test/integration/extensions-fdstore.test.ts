// `fdstore-max` (issue 19, docs/extensions.md): a service parks a connected socket and an open
// file with FDSTORE=1 on NOTIFY_SOCKET (SCM_RIGHTS, sent with our sys/fd-passing.ts as the daemon
// library will), is killed with real runit's `sv k`, and gets both back, named, after its
// `listen` socket; FDSTOREREMOVE=1 drops one; more than fdstore-max is refused. Both topologies.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { Client } from '../../src/index.js';
import { NEEDS_RUNIT, REPO_ROOT, realBin } from '../helpers/binaries.js';
import { TOPOLOGIES, startExtendedTree } from '../helpers/extension-tree.js';
import { runCommand, waitRunning } from '../helpers/sv-run.js';
import { waitFor } from '../helpers/wait-for.js';

const SYS = join(REPO_ROOT, 'dist', 'src', 'sys');

/**
 * First start (nothing passed but its listen socket): connects to the test's server, opens
 * data.txt and reads 5 bytes, stores both, and tries a third over the limit. Later starts: says
 * hello on the connection it got back, reads the rest of the file from where it was, and with a
 * `remove` file drops `data`. Each start writes report-PID.json.
 */
const SERVICE = `
import fs from 'node:fs';
import net from 'node:net';
import { sendFds } from '${SYS}/fd-passing.js';
import { unixDatagramSocket } from '${SYS}/index.js';
let count = 0;
const notify = (message, fds = []) => {
  const socket = unixDatagramSocket('@fdstore-test/' + process.pid + '/' + count++);
  sendFds(socket, message, fds, process.env.NOTIFY_SOCKET);
  fs.closeSync(socket);
};
const names = (process.env.LISTEN_FDNAMES ?? '').split(':');
const report = { pid: process.pid, listenPid: Number(process.env.LISTEN_PID), fds: process.env.LISTEN_FDS, names, data: null };
const done = () => { fs.writeFileSync('report-' + process.pid + '.json', JSON.stringify(report)); setInterval(() => {}, 1000); };
if (names.length === 1) {
  const file = fs.openSync('data.txt', 'r');
  fs.readSync(file, Buffer.alloc(5), 0, 5, null);
  const connection = net.createConnection(Number(fs.readFileSync('port', 'utf8')), '127.0.0.1', () => {
    connection.write('first ' + process.pid + '\\n');
    notify('FDSTORE=1\\nFDNAME=conn', [connection._handle.fd]);
    notify('FDSTORE=1\\nFDNAME=data', [file]);
    notify('FDSTORE=1\\nFDNAME=extra', [fs.openSync('data.txt', 'r')]);
    notify('READY=1');
    done();
  });
} else {
  names.forEach((name, index) => {
    const fd = 3 + index;
    if (name === 'conn') fs.writeSync(fd, 'hello from ' + process.pid + '\\n');
    if (name === 'data') {
      const buffer = Buffer.alloc(64);
      report.data = buffer.subarray(0, fs.readSync(fd, buffer, 0, 64, null)).toString();
    }
  });
  if (fs.existsSync('remove')) notify('FDSTOREREMOVE=1\\nFDNAME=data');
  notify('READY=1');
  done();
}
`;

interface Report {
  pid: number;
  listenPid: number;
  fds: string;
  names: string[];
  data: string | null;
}

for (const topology of TOPOLOGIES) {
  describe(`fdstore-max, ${topology.label}`, { skip: NEEDS_RUNIT, timeout: 120_000 }, () => {
    test('a connected socket and an open file come back named after a kill; FDSTOREREMOVE; over the limit refused', async (t) => {
      const lines: string[] = [];
      const connections: Socket[] = [];
      const server = createServer((connection) => {
        connections.push(connection);
        let text = '';
        connection.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
          for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n')) {
            lines.push(`${connections.indexOf(connection)} ${text.slice(0, end)}`);
            text = text.slice(end + 1);
          }
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      t.after(() => {
        for (const connection of connections) connection.destroy();
        server.close();
      });
      const { dir, tree } = startExtendedTree(t, topology, {
        store: {
          run: `exec ${process.execPath} ../../service.mjs`,
          files: {
            'notify-socket': '',
            'fdstore-max': '2\n',
            listen: 'udp:127.0.0.1:0 name=http\n'.replace(':0 ', `:${(server.address() as { port: number }).port} `),
            port: String((server.address() as { port: number }).port),
            'data.txt': '0123456789abcdef',
          },
        },
      });
      writeFileSync(join(dirname(dir), 'service.mjs'), SERVICE);
      const service = join(dir, 'store');
      const client = new Client(service);
      const reportOf = (pid: number): Promise<Report> =>
        waitFor(`report of ${pid}`, () => {
          const path = join(service, `report-${pid}.json`);
          return existsSync(path) && (JSON.parse(readFileSync(path, 'utf8')) as Report);
        }, { timeout: 20_000 });
      const storedNames = async (): Promise<string> =>
        ((await client.status()).fds?.stored ?? []).map((entry) => `${entry.name}/${entry.type}`).join(' ');

      const first = await reportOf(await waitRunning(service));
      assert.deepEqual(first.names, ['http']);
      await waitFor('both stored', async () => (await storedNames()) === 'conn/socket data/file');
      await waitFor('the refusal', () => tree.stderr().includes('runsv store: warning: fdstore: fdstore-max 2 reached, 1 descriptor refused\n'));
      assert.equal((await client.status()).fds?.fdstoreMax, 2);

      await runCommand(realBin('sv'), ['k', service]);
      const second = await reportOf(await waitFor('a new instance', async () => {
        const status = await client.status();
        return status.state === 'run' && status.pid !== first.pid && status.pid;
      }, { timeout: 20_000 }));
      assert.deepEqual([second.names, second.fds, second.listenPid], [['http', 'conn', 'data'], '3', second.pid]);
      assert.equal(second.data, '56789abcdef', 'the same open file, read on from where the first instance was');
      await waitFor('hello on the first connection', () => lines.includes(`0 hello from ${second.pid}`));
      assert.deepEqual(lines, [`0 first ${first.pid}`, `0 hello from ${second.pid}`], 'one connection, kept across the kill');

      writeFileSync(join(service, 'remove'), '');
      await runCommand(realBin('sv'), ['t', service]);
      await waitFor('data removed', async () => (await storedNames()) === 'conn/socket', { timeout: 20_000 });
      await runCommand(realBin('sv'), ['t', service]);
      const fourth = await reportOf(await waitFor('a fourth instance', async () => {
        const status = await client.status();
        const path = join(service, `report-${status.pid}.json`);
        return status.state === 'run' && existsSync(path) && (JSON.parse(readFileSync(path, 'utf8')) as Report).names.length === 2 && status.pid;
      }, { timeout: 20_000 }));
      assert.deepEqual(fourth.names, ['http', 'conn']);
      await waitFor('hello from the fourth', () => lines.includes(`0 hello from ${fourth.pid}`));

      await runCommand(realBin('sv'), ['x', service]);
      await waitFor('the stored connection closed at sv x', () => connections[0]!.readableEnded);
    });
  });
}
