// runit's getopt rules (GEN-4).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getopt, getoptErrorLine } from '../../../src/cli/getopt.js';

test('options stop at the first operand, a lone - or after --', () => {
  assert.deepEqual(getopt(['-v', 'up', '-w', '3'], 'vw:').operands, ['up', '-w', '3']);
  assert.deepEqual(getopt(['-', '-v'], 'v').operands, ['-', '-v']);
  assert.deepEqual(getopt(['--', '-v'], 'v').operands, ['-v']);
});

test('any --word is consumed and ends options, as -- is (GEN-4: real `chpst --foo true` runs true)', () => {
  const result = getopt(['-v', '--foo', '-w', '3'], 'vw:');
  assert.deepEqual(result.error, undefined);
  assert.deepEqual(result.options.map((o) => o.letter), ['v']);
  assert.deepEqual(result.operands, ['-w', '3']);
});

test('clusters and attached or separate arguments', () => {
  const result = getopt(['-012', '-w5', '-e', 'dir', 'prog'], '012w:e:');
  assert.deepEqual(
    result.options.map((o) => [o.letter, o.value]),
    [['0', undefined], ['1', undefined], ['2', undefined], ['w', '5'], ['e', 'dir']],
  );
  assert.deepEqual(result.operands, ['prog']);
});

test('illegal and missing-argument errors', () => {
  const illegal = getopt(['-x'], 'v');
  assert.deepEqual(illegal.error, { kind: 'illegal', letter: 'x' });
  assert.equal(getoptErrorLine('sv', illegal.error!), 'sv: illegal option -- x\n');
  const missing = getopt(['-w'], 'w:');
  assert.equal(getoptErrorLine('sv', missing.error!), 'sv: option requires an argument -- w\n');
});
