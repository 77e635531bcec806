// runit's diagnostic lines split into the fields of their JSON form (issue 21).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDiagnostic } from '../../../src/cli/diagnostics.js';

test('program, name, level and text of runit-style lines', () => {
  assert.deepEqual(parseDiagnostic('runsvdir /service: warning: unable to open log: file does not exist'), {
    program: 'runsvdir',
    name: '/service',
    level: 'warn',
    text: 'unable to open log: file does not exist',
  });
  assert.deepEqual(parseDiagnostic('runsv web: fatal: unable to lock supervise/lock: temporary failure'), {
    program: 'runsv',
    name: 'web',
    level: 'fatal',
    text: 'unable to lock supervise/lock: temporary failure',
  });
  assert.deepEqual(parseDiagnostic('runit: warning: unable to become a subreaper: x'), { program: 'runit', level: 'warn', text: 'unable to become a subreaper: x' });
  assert.deepEqual(parseDiagnostic('- runit: leave stage: /etc/runit/1'), { program: 'runit', level: 'info', text: 'leave stage: /etc/runit/1' });
});
