// svlogd's pattern matching and selection (SVL-8).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchPattern, selectLine, type Instruction } from '../../../src/svlogd/pattern.js';

const match = (pattern: string, line: string) => matchPattern(Buffer.from(pattern), Buffer.from(line));

test('ordinary characters match the whole line', () => {
  assert.equal(match('abc', 'abc'), true);
  assert.equal(match('abc', 'abcd'), false);
  assert.equal(match('abc', 'ab'), false);
  assert.equal(match('', ''), true);
});

test('* runs to the first occurrence of the next character; a final * takes the rest', () => {
  assert.equal(match('*', 'anything at all'), true);
  assert.equal(match('a*', 'abc'), true);
  assert.equal(match('*err*', 'an err line'), true);
  assert.equal(match('*x', 'axbx'), false); // stops at the first x, then the line is not used up
  assert.equal(match('*b', 'aab'), true);
  assert.equal(match('*b', 'aaa'), false);
});

test('+c matches one or more c; a line used up after the run matches at once', () => {
  assert.equal(match('+ab', 'aaab'), true);
  assert.equal(match('+ab', 'b'), false);
  assert.equal(match('x+a', 'xaaa'), true);
  assert.equal(match('+aZZZ', 'aaa'), true); // runit returns a match when the line ends inside the run
});

test('the last matching instruction of each pair wins', () => {
  const rules: Instruction[] = [
    { kind: '-', pattern: Buffer.from('*') },
    { kind: '+', pattern: Buffer.from('keep*') },
    { kind: 'e', pattern: Buffer.from('*!') },
    { kind: 'E', pattern: Buffer.from('keep quiet!') },
  ];
  const select = (line: string) => selectLine(rules, Buffer.from(line));
  assert.deepEqual(select('drop'), { isForDir: false, isForStderr: false });
  assert.deepEqual(select('keep this!'), { isForDir: true, isForStderr: true });
  assert.deepEqual(select('keep quiet!'), { isForDir: true, isForStderr: false });
  assert.deepEqual(selectLine([], Buffer.from('x')), { isForDir: true, isForStderr: false });
});
