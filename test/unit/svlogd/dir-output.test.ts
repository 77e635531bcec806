// Where rotations fall in the output (SVL-13): never past the max size, and after a line end
// once size >= max - len.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DirOutput } from '../../../src/svlogd/dir-output.js';

function files(sizeMax: number, lineMax: number, lines: string[], initial = 0): string[] {
  const out = new DirOutput();
  out.reset(sizeMax, lineMax, initial);
  const empty = Buffer.alloc(0);
  for (const line of lines) {
    const buf = Buffer.from(line + '\n');
    out.line(empty, empty, buf, 0, line.length);
  }
  const text = out.buf.toString('latin1', 0, out.length);
  const cuts = [0, ...out.marks, out.length];
  return cuts.slice(1).map((end, i) => text.slice(cuts[i], end));
}

test('s100 with -l 20: five 19-byte lines per file', () => {
  const parts = files(100, 20, Array.from({ length: 12 }, (_, i) => `line ${String(i).padStart(2, '0')} `.padEnd(18, '.')));
  assert.deepEqual(parts.map((p) => p.length), [95, 95, 38]);
});

test('s30 with -l 5: lines are split at exactly 30 bytes', () => {
  const parts = files(30, 5, ['MSG 0 ABCDEFGHIJ', 'MSG 1 ABCDEFGHIJ', 'MSG 2 ABCDEFGHIJ']);
  assert.deepEqual(parts, ['MSG 0 ABCDEFGHIJ\nMSG 1 ABCDEFG', 'HIJ\nMSG 2 ABCDEFGHIJ\n']);
});

test('max < len never rotates after a newline (unsigned wrap), only when full', () => {
  const parts = files(50, 1000, ['a'.repeat(19), 'b'.repeat(19), 'c'.repeat(19)]);
  assert.deepEqual(parts.map((p) => p.length), [50, 10]);
});

test('an existing current over the limit rotates before the first byte; s0 never rotates', () => {
  assert.deepEqual(files(10, 5, ['abc'], 40), ['', 'abc\n']);
  assert.deepEqual(files(0, 5, ['a'.repeat(100)]).length, 1);
});
