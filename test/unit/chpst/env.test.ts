// Environment application (CHP-22), envdir file contents (CHP-6) and numeric ids (CHP-4).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEnvChanges, envValue, lowestFreeFd } from '../../../src/chpst/apply.js';
import { envFileValue } from '../../../src/chpst/envdir.js';
import { parseNumericIds } from '../../../src/chpst/users.js';

test('a change removes the first same-named entry, the last entry fills the hole, then it is appended', () => {
  const environ = ['A=1', 'B=2', 'C=3', 'D=4'];
  assert.deepEqual(applyEnvChanges(environ, ['B=x']), ['A=1', 'D=4', 'C=3', 'B=x']);
  assert.deepEqual(applyEnvChanges(environ, ['D=x']), ['A=1', 'B=2', 'C=3', 'D=x']);
  assert.deepEqual(applyEnvChanges(environ, ['A']), ['D=4', 'B=2', 'C=3'], 'a bare name unsets');
  assert.deepEqual(applyEnvChanges(environ, ['Z']), environ);
  assert.deepEqual(applyEnvChanges(environ, ['B=x', 'A=y', 'B']), ['A=y', 'D=4', 'C=3'], 'holes are refilled each time');
  assert.deepEqual(environ, ['A=1', 'B=2', 'C=3', 'D=4'], 'the input is not changed');
});

test('only the first of duplicate entries goes; names match whole, up to the =', () => {
  assert.deepEqual(applyEnvChanges(['A=1', 'AB=2', 'A=3'], ['A=x']), ['A=3', 'AB=2', 'A=x']);
  assert.deepEqual(applyEnvChanges(['AB=2'], ['A']), ['AB=2']);
  assert.deepEqual(applyEnvChanges(['NOEQ', 'A=1'], ['NOEQ=1']), ['NOEQ', 'A=1', 'NOEQ=1']);
});

test('a name holding = removes what is before it and is appended whole (runit quirk)', () => {
  assert.deepEqual(applyEnvChanges(['A=1', 'B=2'], ['A=B=x']), ['B=2', 'A=B=x']);
});

test('GID then UID from -U are applied after the envdir changes', () => {
  assert.deepEqual(applyEnvChanges(['UID=1', 'X=1'], ['X=2', 'GID=0', 'UID=0']), ['GID=0', 'X=2', 'UID=0']);
});

test('getenv semantics for the search PATH: the first entry wins', () => {
  assert.equal(envValue(['PATHX=1', 'PATH=/a', 'PATH=/b'], 'PATH'), '/a');
  assert.equal(envValue(['A=1'], 'PATH'), undefined);
  assert.equal(envValue(['PATH='], 'PATH'), '');
});

test('envdir files: empty unsets, first line only, trailing blanks and tabs cut, NUL becomes newline', () => {
  assert.equal(envFileValue(''), undefined);
  assert.equal(envFileValue('\n'), '');
  assert.equal(envFileValue('value \t \nsecond line'), 'value');
  assert.equal(envFileValue(' \tlead'), ' \tlead');
  assert.equal(envFileValue('a\0b \0'), 'a\nb \n');
  assert.equal(envFileValue('a\r'), 'a\r');
  assert.equal(envFileValue('   '), '');
  assert.equal(envFileValue('val\0'), 'val\n', 'what a vanished file after "val" gets (buffer reuse)');
});

test(':UID:GID... forms scan like runit: empty numbers are 0, trailing text is invalid', () => {
  assert.deepEqual(parseNumericIds('1234:5678:91'), { uid: 1234, gids: [5678, 91] });
  assert.deepEqual(parseNumericIds('1234:'), { uid: 1234, gids: [0] });
  assert.deepEqual(parseNumericIds(':5'), { uid: 0, gids: [5] });
  assert.deepEqual(parseNumericIds('4294967296:1'), { uid: 0, gids: [1] }, 'uid_t is 32 bits');
  assert.equal(parseNumericIds('1234'), undefined);
  assert.equal(parseNumericIds('abc:1'), undefined);
  assert.equal(parseNumericIds('1:2x'), undefined);
});

test('at most 60 groups; a 61st makes the list invalid, a trailing colon after 60 does not', () => {
  const sixty = Array.from({ length: 60 }, (_, at) => String(at + 1));
  assert.equal(parseNumericIds(`1:${sixty.join(':')}`)?.gids.length, 60);
  assert.equal(parseNumericIds(`1:${sixty.join(':')}:`)?.gids.length, 60);
  assert.equal(parseNumericIds(`1:${sixty.join(':')}:61`), undefined);
});

test('the lock descriptor goes to the lowest number chpst did not inherit', () => {
  assert.equal(lowestFreeFd(new Set([0, 1, 2])), 3);
  assert.equal(lowestFreeFd(new Set([0, 2, 3])), 1);
  assert.equal(lowestFreeFd(new Set([0, 1, 2, 3, 5])), 4);
});
