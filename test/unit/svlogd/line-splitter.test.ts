// Line splitting, long lines and replacement (SVL-6, SVL-7, SVL-10, SVL-11).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineSplitter, makeReplaceTable, type LineSink } from '../../../src/svlogd/line-splitter.js';

function collect(lineMax: number, chunks: string[], replace?: Int16Array, atEnd = true): string[] {
  const events: string[] = [];
  const sink: LineSink<number> = {
    line: (buf, start, end, isWhole, stamp) => {
      if (isWhole) assert.equal(buf[end], 10, 'a whole line is followed by its newline');
      events.push(`${isWhole ? 'line' : 'first'}@${stamp}:${buf.toString('latin1', start, end)}`);
    },
    rest: (buf, start, end) => events.push(`rest:${buf.toString('latin1', start, end)}`),
    restEnd: () => events.push('end'),
    isFull: () => false,
  };
  const splitter = new LineSplitter(lineMax, replace, sink);
  chunks.forEach((chunk, i) => {
    splitter.feed(Buffer.from(chunk, 'latin1'), i);
    assert.equal(splitter.run(), true);
  });
  if (atEnd) splitter.end();
  return events;
}

test('short lines, empty lines, and a dropped unterminated short line', () => {
  assert.deepEqual(collect(10, ['a\n\nbc\nlast']), ['line@0:a', 'line@0:', 'line@0:bc']);
});

test('a line across chunks keeps the stamp of its first byte', () => {
  assert.deepEqual(collect(10, ['ab', 'cd', 'e\nf\n']), ['line@0:abcde', 'line@2:f']);
});

test('long lines: first part of exactly len bytes, remainder as it comes, then the end', () => {
  assert.deepEqual(collect(5, ['abcdefgh\n']), ['first@0:abcde', 'rest:fgh', 'end']);
  assert.deepEqual(collect(5, ['abcde\n']), ['first@0:abcde', 'end'], 'a line of exactly len is "long"');
  assert.deepEqual(collect(5, ['abc', 'defg', 'hij', 'k\nx\n']), ['first@0:abcde', 'rest:fg', 'rest:hij', 'rest:k', 'end', 'line@3:x']);
});

test('end of input inside a long line ends it; a short partial is dropped', () => {
  assert.deepEqual(collect(5, ['abcdefghijklmnop']), ['first@0:abcde', 'rest:fghijklmnop', 'end']);
  assert.deepEqual(collect(5, ['abcd']), []);
});

test('replacement touches only the first part; -R adds bytes; isLineComplete tracks partial lines', () => {
  const table = makeReplaceTable(0x3f, Buffer.from('a'));
  assert.deepEqual(collect(6, ['a\tb\xe9\x7fcd\x01z\n'], table), ['first@0:??b??c', 'rest:d\x01z', 'end']);
  const events: string[] = [];
  const splitter = new LineSplitter<number>(10, undefined, {
    line: (b, s, e) => events.push(b.toString('latin1', s, e)),
    rest: () => {},
    restEnd: () => {},
    isFull: () => events.length >= 1,
  });
  splitter.feed(Buffer.from('one\ntwo\nthr'), 0);
  assert.equal(splitter.run(), false, 'stops when the sink is full');
  assert.deepEqual(events, ['one']);
  events.length = 0;
  assert.equal(splitter.run(), false);
  assert.equal(splitter.isLineComplete, true);
});
