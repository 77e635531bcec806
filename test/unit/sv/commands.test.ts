// SV-3 / SV-16: the command table, first letter vs full words, LSB restrictions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommand } from '../../../src/sv/commands.js';

test('full words and first letters map to acts, waiting and kill (SV-3)', () => {
  const table: [string, string, boolean, boolean][] = [
    ['up', 'u', false, false], ['uxyz', 'u', false, false], ['down', 'd', false, false], ['once', 'o', false, false],
    ['pause', 'p', false, false], ['cont', 'c', false, false], ['hup', 'h', false, false], ['alarm', 'a', false, false],
    ['interrupt', 'i', false, false], ['quit', 'q', false, false], ['1', '1', false, false], ['2x', '2', false, false],
    ['term', 't', false, false], ['kill', 'k', false, false], ['exit', 'x', false, false], ['xyz', 'x', false, false],
    ['start', 'u', true, false], ['stop', 'd', true, false], ['reload', 'h', true, false], ['restart', 'tcu', true, false],
    ['shutdown', 'x', true, false], ['try-restart', 'tc', true, false], ['check', 'C', true, false],
    ['force-stop', 'd', true, true], ['force-reload', 'tc', true, true], ['force-restart', 'tcu', true, true],
    ['force-shutdown', 'x', true, true], ['Exit', 'x', true, true], ['Xx', 'x', true, true], ['Down', 'd', true, true],
    ['Term', 'tc', true, true],
  ];
  for (const [word, acts, waits, kill] of table) {
    const command = parseCommand(word, false, false);
    assert.deepEqual([command?.acts, command?.waits, command?.kill], [acts, waits, kill], word);
  }
  assert.equal(parseCommand('up', true, false)?.waits, true, '-v makes single letters wait');
  assert.equal(parseCommand('status', true, false)?.waits, false, '-v does not make status wait');
  for (const word of ['', 'bogus', 'rbogus', 'fbogus', '3', 'w', 'U']) assert.equal(parseCommand(word, false, false), undefined, word);
});

test('status words: any s-word in normal mode, only four in LSB mode (SV-16)', () => {
  assert.equal(parseCommand('stat', false, false)?.act, 'status');
  assert.equal(parseCommand('s', false, false)?.act, 'status');
  assert.equal(parseCommand('stat', false, true), undefined);
  assert.equal(parseCommand('status', false, true)?.act, 'status');
  assert.equal(parseCommand('start', false, true)?.acts, 'u');
});
