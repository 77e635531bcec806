// config lines and their defaults (SVL-4), parsed byte by byte as runit does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultConfig, parseConfig } from '../../../src/svlogd/config.js';

const parse = (text: string, warnings: string[] = []) =>
  parseConfig(Buffer.from(text, 'latin1'), (m0, m1) => warnings.push(`${m0}: ${m1}`));

test('defaults: s1000000 n10 N10 t0, no processor, prefix, patterns or UDP', () => {
  const c = parse('');
  assert.deepEqual(c, defaultConfig());
  assert.equal(c.sizeMax, 1000000);
  assert.equal(c.countMax, 10);
  assert.equal(c.countMin, 10);
  assert.equal(c.rotateSeconds, 0);
  assert.equal(c.udpPort, 0);
});

test('sizes with k and m, times with m and h, counts', () => {
  assert.equal(parse('s5k\n').sizeMax, 5120);
  assert.equal(parse('s2m\n').sizeMax, 2097152);
  assert.equal(parse('s7x\n').sizeMax, 7);
  assert.equal(parse('s 100\n').sizeMax, 0, 'no whitespace is skipped');
  assert.equal(parse('t3m\n').rotateSeconds, 180);
  assert.equal(parse('t2h\n').rotateSeconds, 7200);
  assert.equal(parse('t9\n').rotateSeconds, 9);
  const c = parse('n3\nN1\n');
  assert.equal(c.countMax, 3);
  assert.equal(c.countMin, 1);
});

test('comments, empty lines, unknown letters and a lone final byte are ignored', () => {
  assert.equal(parse('# s5\n\nxs5\ns9\ns').sizeMax, 9);
  assert.equal(parse('s12').sizeMax, 12, 'a final line without newline counts when longer than one byte');
});

test('processor and prefix: the rest of the line, last one wins, a bare letter changes nothing', () => {
  const c = parse('!gzip\n!cat -u\n!\npA: \np\n');
  assert.equal(c.processor, 'cat -u');
  assert.equal(c.prefix.toString(), 'A: ');
});

test('patterns keep their order; a NUL in a pattern line starts another instruction', () => {
  const c = parse('+a*\n-b\nec\nEd\nx\n-one\0+two\n');
  assert.deepEqual(
    c.rules.map((r) => String.fromCharCode(r.op) + r.pattern.toString('latin1')),
    ['+a*', '-b', 'ec', 'Ed', '-one', '+two'],
  );
});

test('UDP: address modulo 256, default port 514, U means UDP only, warnings for bad lines', () => {
  const c = parse('u10.0.0.1\n');
  assert.deepEqual([...c.udpAddress], [10, 0, 0, 1]);
  assert.equal(c.udpPort, 514);
  assert.equal(c.udpOnly, false);
  const d = parse('U300.1.2.3:5140xyz\n');
  assert.deepEqual([...d.udpAddress], [44, 1, 2, 3]);
  assert.equal(d.udpPort, 5140);
  assert.equal(d.udpOnly, true);
  const warnings: string[] = [];
  const e = parse('u1.2.3\nU1.2.3.4:0\nu1.2.3.4:70000\n', warnings);
  assert.deepEqual(warnings, ['unable to scan ip address: 1.2.3', 'unable to scan port number: 0']);
  assert.equal(e.udpOnly, true, 'U sets UDP-only even when its address fails');
  assert.equal(e.udpPort, 70000 % 65536, 'only 16 bits of the port survive');
});
