// SCM_RIGHTS through koffi (issue 19): what FDSTORE=1 on NOTIFY_SOCKET carries.
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SysError } from '../../../src/errors.js';
import { MAX_FDS_PER_MESSAGE, receiveFds, sendFds } from '../../../src/sys/fd-passing.js';
import { close, pipe2, unixDatagramSocket } from '../../../src/sys/index.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

let counter = 0;

/** A receiving socket at a path and a sending one in the abstract namespace, both closed after. */
function socketPair(t: { after(fn: () => void): void }): { receiver: number; sender: number; path: string } {
  const path = join(makeTempDir(t), 'notify');
  const receiver = unixDatagramSocket(path);
  const sender = unixDatagramSocket(`@node-runit-test/fd-passing/${process.pid}/${counter++}`);
  t.after(() => {
    close(receiver);
    close(sender);
  });
  return { receiver, sender, path };
}

const isCloseOnExec = (fd: number): boolean =>
  (parseInt(/^flags:\s+([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'))![1]!, 8) & 0o2000000) !== 0;

test('an open file and a pipe end come back with the message, close-on-exec and usable', (t) => {
  const { receiver, sender, path } = socketPair(t);
  const file = join(makeTempDir(t), 'data');
  writeFileSync(file, 'stored bytes');
  const fileFd = openSync(file, 'r');
  const [readEnd, writeEnd] = pipe2(0);
  assert.equal(sendFds(sender, 'FDSTORE=1\nFDNAME=data', [fileFd, writeEnd], path), 21);
  closeSync(fileFd);
  close(writeEnd);

  const received = receiveFds(receiver);
  assert.ok(received);
  assert.equal(received.message.toString(), 'FDSTORE=1\nFDNAME=data');
  assert.equal(received.fds.length, 2);
  assert.equal(received.isTruncated, false);
  for (const fd of received.fds) assert.ok(isCloseOnExec(fd), `fd ${fd} is close-on-exec`);
  const bytes = Buffer.alloc(64);
  assert.equal(bytes.subarray(0, readSync(received.fds[0]!, bytes)).toString(), 'stored bytes');
  writeFileSync(`/proc/self/fd/${received.fds[1]!}`, 'x');
  assert.equal(readSync(readEnd, bytes), 1, 'the pipe end received is the one sent');
  for (const fd of [...received.fds, readEnd]) close(fd);

  assert.equal(receiveFds(receiver), undefined, 'nothing waiting: undefined, not a block');
});

test('a message without descriptors, an empty one, and a truncated one', (t) => {
  const { receiver, sender, path } = socketPair(t);
  sendFds(sender, 'READY=1', [], path);
  sendFds(sender, '', [], path);
  sendFds(sender, Buffer.from('STATUS=a long status line'), [], path);
  assert.deepEqual(receiveFds(receiver), { message: Buffer.from('READY=1'), fds: [], isTruncated: false });
  assert.deepEqual(receiveFds(receiver), { message: Buffer.alloc(0), fds: [], isTruncated: false });
  const truncated = receiveFds(receiver, 6);
  assert.equal(truncated?.message.toString(), 'STATUS');
  assert.equal(truncated?.isTruncated, true);
});

test('errors are SysErrors with the errno name', (t) => {
  const { sender, path } = socketPair(t);
  assert.throws(() => sendFds(sender, 'x', [], `${path}.absent`), { name: SysError.name, code: 'ENOENT' });
  assert.throws(() => sendFds(sender, 'x', [0], `${path}.absent`), { code: 'ENOENT' });
  const tooMany = Array.from({ length: MAX_FDS_PER_MESSAGE + 1 }, () => 0);
  assert.throws(() => sendFds(sender, 'x', tooMany, path), { code: 'EINVAL' });
  assert.throws(() => sendFds(sender, 'x', [987654], path), { code: 'EBADF' });
  assert.throws(() => receiveFds(987654), { code: 'EBADF' });
});
