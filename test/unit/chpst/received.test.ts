// What chpst received (GEN-7, CHP-22), worked out without a process: /proc is passed in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inheritedFds } from '../../../src/chpst/inherited-fds.js';
import { startingEnviron, startingPath } from '../../../src/chpst/received.js';
import { rawArgs, type ProcListReader } from '../../../src/sys/received.js';

const latin1 = (text: string): string => Buffer.from(text).toString('latin1');

function procWith(lists: { cmdline?: string[]; environ?: string[] }): ProcListReader & { reads: string[] } {
  const reads: string[] = [];
  return Object.assign((name: 'cmdline' | 'environ') => {
    reads.push(name);
    return lists[name];
  }, { reads });
}

test('arguments Node decoded without loss are taken as they are, /proc unread', () => {
  const proc = procWith({});
  assert.deepEqual(rawArgs(['-u', 'nobody', 'caf\u00e9'], proc), ['-u', 'nobody', latin1('caf\u00e9')]);
  assert.deepEqual(proc.reads, []);
});

test('a mangled argument comes back as its bytes from cmdline, when the tail lines up', () => {
  const raw = '\xff\xfe';
  const proc = procWith({ cmdline: ['node', 'bin/chpst', '-e', raw] });
  assert.deepEqual(rawArgs(['-e', '\ufffd\ufffd'], proc), ['-e', raw]);
  const elsewhere = procWith({ cmdline: ['node', 'bin/chpst', 'other', raw] });
  assert.deepEqual(rawArgs(['-e', '\ufffd\ufffd'], elsewhere), ['-e', latin1('\ufffd\ufffd')], 'no line-up: Node view');
  assert.deepEqual(rawArgs(['\ufffd'], procWith({})), [latin1('\ufffd')], 'no /proc: Node view');
});

test('the environment comes from /proc when it can, PATH from Node unless mangled', () => {
  const environ = ['B=1', 'PATH=/raw\xff', 'B=2'];
  assert.deepEqual(startingEnviron({ A: '1' }, procWith({ environ })), environ);
  assert.deepEqual(startingEnviron({ A: '1' }, procWith({})), ['A=1']);
  assert.equal(startingPath({ PATH: '/bin' }, undefined, procWith({ environ })), '/bin');
  assert.equal(startingPath({ PATH: '/raw\ufffd' }, undefined, procWith({ environ })), '/raw\xff');
  assert.equal(startingPath({}, environ, procWith({})), undefined);
});

test("Node's own descriptors are not handed over: anon inodes and pipes with both ends here", () => {
  const fds = [
    { fd: 0, target: '', mode: 2 },
    { fd: 1, target: '', mode: 2 },
    { fd: 2, target: '', mode: 2 },
    { fd: 3, target: 'anon_inode:[eventpoll]', mode: 2 },
    { fd: 4, target: 'pipe:[10]', mode: 0 },
    { fd: 5, target: 'pipe:[10]', mode: 1 },
    { fd: 6, target: 'pipe:[11]', mode: 1 },
    { fd: 7, target: '/tmp/lock', mode: 2 },
  ];
  assert.deepEqual([...inheritedFds(fds)].sort((a, b) => a - b), [0, 1, 2, 6, 7]);
  assert.deepEqual([...inheritedFds(undefined)], [0, 1, 2], 'no /proc: the three standard ones');
});
