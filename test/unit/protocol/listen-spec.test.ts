// The `listen` file (issue 19): every form, and what is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatListenLine, isValidFdName, parseListenFile, parseListenLine } from '../../../src/protocol/listen-spec.js';

test('each form of a line', () => {
  assert.deepEqual(parseListenLine('tcp:127.0.0.1:8080'), { kind: 'tcp', family: 4, host: '127.0.0.1', port: 8080, name: undefined });
  assert.deepEqual(parseListenLine('tcp6:[::1]:443 name=https'), { kind: 'tcp', family: 6, host: '::1', port: 443, name: 'https' });
  assert.deepEqual(parseListenLine('udp:0.0.0.0:53'), { kind: 'udp', family: 4, host: '0.0.0.0', port: 53, name: undefined });
  assert.deepEqual(parseListenLine('udp6:[::]:53'), { kind: 'udp', family: 6, host: '::', port: 53, name: undefined });
  assert.deepEqual(parseListenLine('unix:/run/web.sock'), { kind: 'unix', path: '/run/web.sock', mode: 0o666, name: undefined });
  assert.deepEqual(parseListenLine('unix:admin.sock 0600 name=admin'), { kind: 'unix', path: 'admin.sock', mode: 0o600, name: 'admin' });
});

test('malformed lines are refused, not guessed at', () => {
  for (const line of [
    'tcp:localhost:80', // no name lookup
    'tcp:127.0.0.1', // no port
    'tcp:127.0.0.1:0',
    'tcp:127.0.0.1:65536',
    'tcp:127.0.0.1:080',
    'tcp6:::1:80', // brackets required
    'tcp:[::1]:80',
    'tcp:127.0.0.1:80 0600', // a mode is for unix sockets
    'unix:',
    'unix:/s 999',
    'unix:/s 0600 extra',
    'sctp:127.0.0.1:80',
    'tcp:127.0.0.1:80 name=a:b', // ':' separates LISTEN_FDNAMES
    'tcp:127.0.0.1:80 name=',
    'tcp:127.0.0.1:80 named',
  ]) {
    assert.equal(parseListenLine(line), undefined, line);
  }
  assert.deepEqual(parseListenFile('tcp:127.0.0.1:80\n\nbogus\n'), { badLine: 3, line: 'bogus' });
  assert.equal((parseListenFile('\ntcp:127.0.0.1:80\nudp:127.0.0.1:80\n') as { specs: unknown[] }).specs.length, 2);
});

test('a spec formats back to its line', () => {
  for (const line of ['tcp:127.0.0.1:8080', 'tcp6:[::1]:443 name=https', 'unix:/run/a.sock 0600 name=a', 'unix:b.sock', 'udp:10.0.0.1:53']) {
    assert.equal(formatListenLine(parseListenLine(line)!), line);
  }
  assert.equal(isValidFdName('x'.repeat(256)), false);
  assert.equal(isValidFdName('with space'), true);
  assert.equal(isValidFdName('tab\there'), false);
});
