// serveDatagrams (src/daemon/servers.ts) on a UDP listener, in this process: two generations on
// the same socket (each on its own duplicate), the old one shut down, datagrams answered
// throughout by whichever serves; and the socket still bound after both have stopped, until the
// daemon's Listeners close it.
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { test } from 'node:test';
import { Listeners } from '../../../src/daemon/listeners.js';
import { serveDatagrams } from '../../../src/daemon/servers.js';
import { socketInfo } from '../../../src/sys/sockets.js';

function echo(label: string): Socket {
  const socket = createSocket('udp4');
  socket.on('message', (message, from) => socket.send(`${label}:${message.toString()}`, from.port, from.address));
  return socket;
}

async function ask(port: number, text: string): Promise<string> {
  const client = createSocket('udp4');
  try {
    client.send(text, port, '127.0.0.1');
    const [message] = (await once(client, 'message')) as [Buffer];
    return message.toString();
  } finally {
    client.close();
  }
}

test('UDP: generation 2 starts on the same socket, generation 1 shuts down, no datagram goes unanswered', async (t) => {
  const listeners = new Listeners([]);
  t.after(() => listeners.close());
  const listener = await listeners.get({ address: '127.0.0.1:0', type: 'dgram' });
  assert.equal(listener.info.type, 'dgram');
  assert.equal(listener.isInherited, false);
  const port = listener.info.port;
  assert.ok(port > 0);
  assert.equal(await listeners.get({ address: '127.0.0.1:0', type: 'dgram' }), listener, 'the same socket in every generation');

  const first = serveDatagrams(echo('g1'), listener);
  await first.start();
  assert.equal(await ask(port, 'a'), 'g1:a');
  const second = serveDatagrams(echo('g2'), listener);
  await second.start();
  await first.shutdown();
  first.close(); // after a shutdown: nothing more to do, and no throw
  for (const text of ['b', 'c', 'd']) assert.equal(await ask(port, text), `g2:${text}`);
  await second.shutdown();
  assert.equal(socketInfo(listener.fd)?.port, port, 'the daemon still holds the bound socket');
});
