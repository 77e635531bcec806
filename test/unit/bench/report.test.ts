// The bench's goals against a reference (issue 6: chpst within 1.2x of `node -e 0`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resultOf } from '../../../bench/lib/report.js';
import { metric } from '../../../bench/lib/scenario.js';

function chpstAgainstFloor(ours: number[], floor: number[]): ReturnType<typeof resultOf> {
  const m = metric('chpst -u nobody true', 'ms', 'lower', {
    references: { 'node -e 0': floor },
    goal: { kind: 'reference-ratio-at-most', reference: 'node -e 0', value: 1.2 },
  });
  m.ours.push(...ours);
  m.runit.push(3, 3, 3);
  return resultOf(m);
}

test('a reference goal compares medians with the reference, not with runit', () => {
  const met = chpstAgainstFloor([35, 36, 90], [30, 30, 31]);
  assert.equal(met.isGoalMet, true);
  assert.equal(met.goal, '≤ 1.2x node -e 0 (1.20x)');
  assert.equal(met.ratio, 12);
  const missed = chpstAgainstFloor([37, 37, 37], [30, 30, 30]);
  assert.equal(missed.isGoalMet, false);
  assert.equal(missed.goal, '≤ 1.2x node -e 0 (1.23x)');
});

test('a reference goal without the reference measured is unknown, not met', () => {
  const unknown = chpstAgainstFloor([35], []);
  assert.equal(unknown.isGoalMet, null);
  assert.equal(unknown.goal, '≤ 1.2x node -e 0');
});
