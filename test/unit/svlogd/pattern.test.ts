// The pattern language (SVL-8).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchPattern } from '../../../src/svlogd/pattern.js';

const m = (pattern: string, line: string): boolean => {
  const buf = Buffer.from(`##${line}##`, 'latin1');
  return matchPattern(Buffer.from(pattern, 'latin1'), buf, 2, line.length);
};

test('ordinary characters match themselves, whole line only', () => {
  assert.equal(m('abc', 'abc'), true);
  assert.equal(m('abc', 'abcd'), false);
  assert.equal(m('abc', 'ab'), false);
  assert.equal(m('', ''), true);
  assert.equal(m('', 'a'), false);
});

test('* up to the first occurrence of the next character; a final * matches the rest', () => {
  assert.equal(m('*', ''), true);
  assert.equal(m('*', 'anything'), true);
  assert.equal(m('a*', 'abc'), true);
  assert.equal(m('*c', 'abc'), true);
  assert.equal(m('*err*', 'an err line'), true);
  assert.equal(m('*b', 'abab'), false, '* stops at the first b, then the pattern ends before the line');
  assert.equal(m('*x', 'abc'), false);
});

test('+c matches one or more c; a run reaching the end of the line matches', () => {
  assert.equal(m('a+bc', 'abbbc'), true);
  assert.equal(m('a+bc', 'ac'), false);
  assert.equal(m('a+bc', 'abb'), true, "runit's quirk: the line ended inside the run");
  assert.equal(m('+x', 'xxx'), true);
  assert.equal(m('+x', ''), false);
});

test('no other metacharacters', () => {
  assert.equal(m('a?c', 'abc'), false);
  assert.equal(m('a?c', 'a?c'), true);
  assert.equal(m('[a]', '[a]'), true);
});
