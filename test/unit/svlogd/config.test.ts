// The config file as runit 2.1.2 reads it (SVL-4).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultConfig, parseConfig } from '../../../src/svlogd/config.js';

const parse = (text: string) => parseConfig(Buffer.from(text, 'latin1'));

test('defaults: 1000000 bytes, 10 files, no timer, processor, UDP or prefix', () => {
  assert.deepEqual(parse('').config, defaultConfig());
  assert.deepEqual(parse('').warnings, []);
  assert.equal(defaultConfig().sizeMax, 1_000_000);
  assert.equal(defaultConfig().filesMax, 10);
  assert.equal(defaultConfig().filesMin, 10);
});

test('sizes and times take a unit right after the digits; no digits is 0; nothing is trimmed', () => {
  assert.equal(parse('s300\n').config.sizeMax, 300);
  assert.equal(parse('s3k\n').config.sizeMax, 3072);
  assert.equal(parse('s2m\n').config.sizeMax, 2 * 1048576);
  assert.equal(parse('s2x\n').config.sizeMax, 2);
  assert.equal(parse('s 100\n').config.sizeMax, 0);
  assert.equal(parse('t30\n').config.rotateSeconds, 30);
  assert.equal(parse('t2m\n').config.rotateSeconds, 120);
  assert.equal(parse('t2h\n').config.rotateSeconds, 7200);
  assert.deepEqual([parse('n5\nN2\n').config.filesMax, parse('n5\nN2\n').config.filesMin], [5, 2]);
});

test('a final single byte without newline is ignored; a longer one is read', () => {
  assert.equal(parse('s5\nn').config.filesMax, 10);
  assert.equal(parse('s5\nn7').config.filesMax, 7);
});

test('processor and prefix need text; the last one wins; a NUL ends the text', () => {
  const { config } = parse('!first\n!\n!gzip\npPRE\x00IGNORED\n');
  assert.equal(config.processor, 'gzip');
  assert.equal(Buffer.from(config.prefix).toString(), 'PRE');
  assert.equal(parse('p\n').config.prefix.length, 0);
});

test('pattern lines keep file order; a NUL inside one can start another', () => {
  const { instructions } = parse('+a*\n-b\ne*err*\nEx\n#+no\n+p\x00-q\n').config;
  assert.deepEqual(
    instructions.map((i) => [i.kind, Buffer.from(i.pattern).toString()]),
    [['+', 'a*'], ['-', 'b'], ['e', '*err*'], ['E', 'x'], ['+', 'p'], ['-', 'q']],
  );
});

test('UDP: dotted quad modulo 256, port 514 by default, warnings for bad lines', () => {
  assert.deepEqual(parse('u10.0.0.1\n').config.udp, { address: '10.0.0.1', port: 514 });
  assert.deepEqual(parse('u300.1.2.3:5514junk\n').config.udp, { address: '44.1.2.3', port: 5514 });
  assert.equal(parse('u10.0.0.1\n').config.isUdpOnly, false);
  const bad = parse('u1.2.3\nu1.2.3.4:0\nu1.2.3.4:x\n');
  assert.equal(bad.config.udp, undefined);
  assert.deepEqual(bad.warnings, [
    'unable to scan ip address: 1.2.3',
    'unable to scan port number: 0',
    'unable to scan port number: x',
  ]);
  // U turns the directory off even when its address fails.
  const udpOnly = parse('Ubad\n');
  assert.equal(udpOnly.config.isUdpOnly, true);
  assert.equal(udpOnly.config.udp, undefined);
  // A bad port keeps the earlier port but takes the new address, as runit's sockaddr does.
  assert.deepEqual(parse('u1.1.1.1:99\nu2.2.2.2:0\n').config.udp, { address: '2.2.2.2', port: 99 });
});
