// The fd store's reader (issue 19): datagrams and their descriptors delivered on SIGIO, without a
// thread; what waited before the listener existed is delivered too.
import assert from 'node:assert/strict';
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { test } from 'node:test';
import { DescriptorListener } from '../../../src/sys/descriptor-listener.js';
import { sendFds } from '../../../src/sys/fd-passing.js';
import { close, unixDatagramSocket } from '../../../src/sys/index.js';
import { waitFor } from '../../helpers/wait-for.js';

test('messages with descriptors arrive on SIGIO, across several sockets, with no new thread', async (t) => {
  const base = `@node-runit-test/descriptor-listener/${process.pid}`;
  const sender = unixDatagramSocket(`${base}/sender`);
  t.after(() => close(sender));
  const received: { socket: number; text: string; fds: number[] }[] = [];
  const early = unixDatagramSocket(`${base}/0`);
  sendFds(sender, 'before', [], `${base}/0`);
  const threads = readdirSync('/proc/self/task').length;
  const listeners = [early, unixDatagramSocket(`${base}/1`)].map(
    (fd, socket) => new DescriptorListener(fd, (message, fds) => received.push({ socket, text: message.toString(), fds })),
  );
  t.after(() => listeners.forEach((listener) => listener.close()));
  await waitFor('the datagram sent before listening', () => received.length === 1);

  const file = openSync('/proc/self/cmdline', 'r');
  sendFds(sender, 'FDSTORE=1', [file], `${base}/1`);
  sendFds(sender, 'READY=1', [], `${base}/0`);
  closeSync(file);
  await waitFor('both datagrams', () => received.length === 3);
  // In order per socket; one SIGIO drains the sockets in the order they are watched.
  assert.deepEqual(received.map(({ socket, text, fds }) => [socket, text, fds.length]).sort(), [
    [0, 'READY=1', 0],
    [0, 'before', 0],
    [1, 'FDSTORE=1', 1],
  ]);
  const stored = received.find((entry) => entry.text === 'FDSTORE=1')!.fds[0]!;
  assert.ok(readSync(stored, Buffer.alloc(16)) > 0, 'the descriptor received is open');
  close(stored);
  assert.equal(readdirSync('/proc/self/task').length, threads, 'no thread for the listeners');

  listeners[0]!.close();
  assert.throws(() => sendFds(sender, 'late', [], `${base}/0`), { code: 'ECONNREFUSED' });
});
