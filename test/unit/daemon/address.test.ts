// The addresses a daemon listens on (src/daemon/address.ts): parsed from `host:port`,
// `[v6]:port`, `:port`, `/path` and `@name`, matched against what getsockname says a passed
// socket listens on, and written back for log lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatListenAddress, isListeningOn, parseListenAddress } from '../../../src/daemon/address.js';
import type { SocketInfo } from '../../../src/sys/sockets.js';

const tcp = (address: string, port: number, family: SocketInfo['family'] = 'IPv4'): SocketInfo => ({
  type: 'stream',
  family,
  address,
  port,
  isListening: true,
});

test('parseListenAddress: every form, and what is not an address', () => {
  assert.deepEqual(parseListenAddress('127.0.0.1:8080'), { family: 'inet', host: '127.0.0.1', port: 8080 });
  assert.deepEqual(parseListenAddress('localhost:80'), { family: 'inet', host: 'localhost', port: 80 });
  assert.deepEqual(parseListenAddress('[::1]:443'), { family: 'inet', host: '::1', port: 443 });
  assert.deepEqual(parseListenAddress(':8080'), { family: 'inet', host: undefined, port: 8080 });
  assert.deepEqual(parseListenAddress('/run/web.sock'), { family: 'unix', path: '/run/web.sock' });
  assert.deepEqual(parseListenAddress('@web'), { family: 'unix', path: '@web' });
  for (const bad of ['', '8080', 'host', 'host:', '::1:80', '1.2.3.4:65536', '1.2.3.4:123456', 'a:b', 'run/web.sock']) {
    assert.throws(() => parseListenAddress(bad), { code: 'ERR_INVALID' }, bad);
  }
});

test('isListeningOn: host and port, wildcards, localhost, port 0, unix paths', () => {
  const loopback = tcp('127.0.0.1', 8080);
  assert.equal(isListeningOn(loopback, parseListenAddress('127.0.0.1:8080')), true);
  assert.equal(isListeningOn(loopback, parseListenAddress('localhost:8080')), true);
  assert.equal(isListeningOn(loopback, parseListenAddress(':8080')), true, 'no host: any');
  assert.equal(isListeningOn(loopback, parseListenAddress('127.0.0.1:0')), true, 'port 0: any');
  assert.equal(isListeningOn(loopback, parseListenAddress('127.0.0.1:8081')), false);
  assert.equal(isListeningOn(loopback, parseListenAddress('10.0.0.1:8080')), false);
  assert.equal(isListeningOn(loopback, parseListenAddress('/run/web.sock')), false);
  const anyV4 = tcp('0.0.0.0', 80);
  assert.equal(isListeningOn(anyV4, parseListenAddress('0.0.0.0:80')), true);
  assert.equal(isListeningOn(anyV4, parseListenAddress('[::]:80')), true, 'one wildcard stands for the other');
  assert.equal(isListeningOn(tcp('::1', 80, 'IPv6'), parseListenAddress('[::1]:80')), true);
  const unix: SocketInfo = { type: 'stream', family: 'unix', address: '/run/web.sock', port: 0, isListening: true };
  assert.equal(isListeningOn(unix, parseListenAddress('/run/web.sock')), true);
  assert.equal(isListeningOn(unix, parseListenAddress('/run/other.sock')), false);
  assert.equal(isListeningOn(unix, parseListenAddress(':80')), false);
});

test('formatListenAddress: as it is written', () => {
  assert.equal(formatListenAddress(tcp('127.0.0.1', 8080)), '127.0.0.1:8080');
  assert.equal(formatListenAddress(tcp('::', 80, 'IPv6')), '[::]:80');
  assert.equal(formatListenAddress({ type: 'stream', family: 'unix', address: '@web', port: 0, isListening: true }), '@web');
});
