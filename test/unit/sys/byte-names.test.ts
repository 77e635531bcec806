// Names as bytes (issue 14, fault 4): UTF-8 decodes as usual, every other byte is U+DC00 + byte
// (PEP 383), and the bytes come back exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeName, encodeName, fsPath, hasRawBytes } from '../../../src/sys/byte-names.js';
import { receivedArgs, receivedEnv, type ProcListReader } from '../../../src/sys/received.js';

const bytes = (...values: number[]): Buffer => Buffer.from(values);

test('UTF-8 names are the strings Node would make; others keep each stray byte as U+DC00+byte', () => {
  assert.equal(decodeName(Buffer.from('caf\u00e9 \u{1f4ff}')), 'caf\u00e9 \u{1f4ff}');
  assert.equal(decodeName(bytes(0x73, 0xff, 0xfe)), 's\udcff\udcfe');
  // A cut-short sequence, an overlong form, an encoded surrogate: each byte on its own.
  assert.equal(decodeName(bytes(0xc3, 0x41)), '\udcc3A');
  assert.equal(decodeName(bytes(0xc0, 0xaf)), '\udcc0\udcaf');
  assert.equal(decodeName(bytes(0xed, 0xa0, 0x80)), '\udced\udca0\udc80');
  assert.equal(decodeName(bytes(0xff, 0xc3, 0xa9)), '\udcff\u00e9');
});

test('encodeName gives back the exact bytes, whatever they were', () => {
  const samples = [
    bytes(0x73, 0xff, 0xfe),
    bytes(0xc3, 0x41, 0xe2, 0x82),
    bytes(0xf0, 0x9f, 0x93, 0xbf, 0xbf),
    Buffer.from('plain ascii'),
    Buffer.from('caf\u00e9'),
    bytes(0xed, 0xb3, 0xbf),
  ];
  for (const sample of samples) assert.deepEqual(encodeName(decodeName(sample)), sample, sample.toString('hex'));
  for (let byte = 0; byte < 256; byte++) assert.deepEqual(encodeName(decodeName(bytes(0x61, byte))), bytes(0x61, byte));
});

test('only escapes count as raw bytes: a character beyond U+FFFF is UTF-8', () => {
  assert.equal(hasRawBytes('\u{1f4ff}'), false, 'U+1F4FF ends in the surrogate U+DCFF');
  assert.equal(hasRawBytes('caf\u00e9'), false);
  assert.equal(hasRawBytes('\u{1f4ff}\udcff'), true);
  assert.equal(fsPath('/srv/caf\u00e9'), '/srv/caf\u00e9');
  assert.deepEqual(fsPath('/srv/s\udcff'), Buffer.concat([Buffer.from('/srv/s'), bytes(0xff)]));
});

test('receivedArgs: Node`s argv unless it lost bytes; then the bytes from /proc, as names', () => {
  const proc = (raw: string[]): ProcListReader => (name) => (name === 'cmdline' ? ['node', 'script', ...raw] : undefined);
  const latin1 = (buf: Buffer): string => buf.toString('latin1');
  assert.deepEqual(receivedArgs(['-v', 'caf\u00e9']), ['-v', 'caf\u00e9']);
  assert.deepEqual(receivedArgs(['status', 's\ufffd\ufffd'], proc(['status', latin1(bytes(0x73, 0xff, 0xfe))])), ['status', 's\udcff\udcfe']);
  assert.deepEqual(receivedArgs(['s\ufffd'], () => undefined), ['s\ufffd'], 'no /proc: what Node gave');
});

test('receivedEnv: the first NAME= entry as received when Node lost bytes (getenv`s answer)', () => {
  const environ: ProcListReader = (name) => (name === 'environ' ? ['A=1', `SVDIR=${Buffer.from([0x2f, 0x74, 0xff]).toString('latin1')}`, 'SVDIR=/other'] : undefined);
  assert.equal(receivedEnv({ SVDIR: '/t\ufffd' }, 'SVDIR', environ), '/t\udcff');
  assert.equal(receivedEnv({ SVDIR: '/srv' }, 'SVDIR', environ), '/srv');
  assert.equal(receivedEnv({}, 'SVDIR', environ), undefined);
});
