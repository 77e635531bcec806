// What an inherited descriptor is (src/sys/sockets.ts): getsockopt and getsockname through
// koffi, on sockets Node made here: TCP (v4 and v6) listening and connected, UDP, unix path and
// abstract, and a file, which is no socket at all.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { Listeners } from '../../../src/daemon/listeners.js';
import { close } from '../../../src/sys/index.js';
import { socketInfo, unixDatagramSender } from '../../../src/sys/sockets.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const handleFd = (object: Server | Socket): number => (object as unknown as { _handle: { fd: number } })._handle.fd;

async function listening(t: { after(fn: () => void): void }, options: object): Promise<Server> {
  const server = createServer();
  server.listen(options);
  await once(server, 'listening');
  t.after(() => server.close());
  return server;
}

test('a listening TCP socket: stream, IPv4, its address and port, listening', async (t) => {
  const server = await listening(t, { host: '127.0.0.1', port: 0 });
  const { port } = server.address() as { port: number };
  assert.deepEqual(socketInfo(handleFd(server)), { type: 'stream', family: 'IPv4', address: '127.0.0.1', port, isListening: true });
  const client = connect(port, '127.0.0.1');
  await once(client, 'connect');
  t.after(() => client.destroy());
  const info = socketInfo(handleFd(client));
  assert.equal(info?.isListening, false, 'a connection is not a listener');
  assert.equal(info?.type, 'stream');
});

test('IPv6: ::1 and the wildcard written as Node writes them', async (t) => {
  let server: Server;
  try {
    server = await listening(t, { host: '::1', port: 0, ipv6Only: true });
  } catch {
    t.skip('no IPv6 loopback here');
    return;
  }
  const { port } = server.address() as { port: number };
  assert.deepEqual(socketInfo(handleFd(server)), { type: 'stream', family: 'IPv6', address: '::1', port, isListening: true });
  const wildcard = await listening(t, { host: '::', port: 0 });
  assert.equal(socketInfo(handleFd(wildcard))?.address, '::');
});

test('UDP: dgram with its port', async (t) => {
  const listeners = new Listeners([]);
  t.after(() => listeners.close());
  const { fd } = await listeners.get({ address: '127.0.0.1:0', type: 'dgram' });
  const info = socketInfo(fd);
  assert.deepEqual(info, { type: 'dgram', family: 'IPv4', address: '127.0.0.1', port: info?.port, isListening: false });
  assert.ok(info!.port > 0);
});

test('unix sockets: a path, and @name in the abstract namespace', async (t) => {
  const path = join(makeTempDir(t), 'web.sock');
  const byPath = await listening(t, { path });
  assert.deepEqual(socketInfo(handleFd(byPath)), { type: 'stream', family: 'unix', address: path, port: 0, isListening: true });
  const name = `node-runit-test/sockets/${process.pid}`;
  const abstract = await listening(t, { path: `\0${name}` });
  assert.equal(socketInfo(handleFd(abstract))?.address, `@${name}`);
});

test('a file is no socket: undefined, not an error', (t) => {
  const fd = openSync(join(makeTempDir(t), 'file'), 'w');
  t.after(() => closeSync(fd));
  assert.equal(socketInfo(fd), undefined);
});

test('unixDatagramSender: an unbound, close-on-exec datagram socket', () => {
  const fd = unixDatagramSender();
  try {
    assert.deepEqual(socketInfo(fd), { type: 'dgram', family: 'unix', address: '', port: 0, isListening: false });
    const flags = parseInt(/^flags:\s+([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'))![1]!, 8);
    assert.notEqual(flags & 0o2000000, 0);
  } finally {
    close(fd);
  }
});
