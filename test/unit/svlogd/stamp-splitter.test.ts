// Stamps (SVL-9) and line splitting with replacement (SVL-6, SVL-7, SVL-11).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineSplitter, replacementTable, type LineEvent } from '../../../src/svlogd/line-splitter.js';
import { formatStamp } from '../../../src/svlogd/stamp.js';

test('stamps: TAI64N label is Unix + 10 + 2^62; dates keep 5 fraction digits (spec section 10)', () => {
  const stamp = { seconds: 1795436320, nanoseconds: 605380500 };
  assert.equal(formatStamp(1, stamp), '@400000006b042f2a24155f94 ');
  assert.equal(formatStamp(2, stamp), '2026-11-23_12:18:40.60538 ');
  assert.equal(formatStamp(3, { seconds: 1795436320, nanoseconds: 500 }), '2026-11-23T12:18:40.00000 ');
});

function drain(splitter: LineSplitter, chunk: string): string[] {
  splitter.feed(Buffer.from(chunk, 'latin1'));
  const out: string[] = [];
  for (let event = splitter.next(); event !== undefined; event = splitter.next()) out.push(describe(event));
  return out;
}

function describe(event: LineEvent): string {
  if (event.kind === 'head') return `${event.isComplete ? 'line' : 'head'}:${Buffer.from(event.text).toString('latin1')}`;
  if (event.kind === 'rest') return `rest:${Buffer.from(event.bytes).toString('latin1')}`;
  return 'eol';
}

test('lines across chunks; long lines give a head of lineMax bytes, then rest and eol', () => {
  const splitter = new LineSplitter({ lineMax: 5, replace: undefined, stamp: undefined });
  assert.deepEqual(drain(splitter, 'ab\n\ncd'), ['line:ab', 'line:']);
  assert.deepEqual(drain(splitter, 'e\nabcdefgh'), ['line:cde', 'head:abcde', 'rest:fgh']);
  assert.deepEqual(drain(splitter, 'ij\nabcde\n'), ['rest:ij', 'eol', 'head:abcde', 'eol']);
  assert.deepEqual(drain(splitter, 'tail'), []);
  assert.equal(splitter.end(), undefined); // a short unfinished line is dropped
  assert.deepEqual(drain(splitter, 'abcdefg'), ['head:abcde', 'rest:fg']);
  assert.deepEqual(splitter.end(), { kind: 'eol' });
});

test('replacement touches only the head: bytes outside 32..126 and the -R set', () => {
  const replace = { byte: 0x3a, table: replacementTable(Buffer.from('fb')) };
  const splitter = new LineSplitter({ lineMax: 6, replace, stamp: undefined });
  assert.deepEqual(drain(splitter, 'foo\ttab\xe9\x7f\n'), ['head::oo:ta', 'rest:b\xe9\x7f', 'eol']);
  assert.deepEqual(drain(splitter, 'bar\n'), ['line::ar']);
});

test('a stamp is taken when the first byte of a line is consumed, empty lines included', () => {
  let tick = 0;
  const splitter = new LineSplitter({ lineMax: 10, replace: undefined, stamp: () => ({ seconds: ++tick, nanoseconds: 0 }) });
  splitter.feed(Buffer.from('a'));
  assert.equal(splitter.next(), undefined);
  assert.equal(tick, 1);
  splitter.feed(Buffer.from('b\n\n'));
  const first = splitter.next();
  const second = splitter.next();
  assert.deepEqual([first?.kind === 'head' && first.stamp?.seconds, second?.kind === 'head' && second.stamp?.seconds], [1, 2]);
});
