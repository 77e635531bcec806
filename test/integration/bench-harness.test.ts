/**
 * The bench harness end to end on its cheapest scenario: it runs both sides, stops what it
 * started and writes a ratio into the JSON. A test of the harness, never of speed.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { NEEDS_RUNIT, REPO_ROOT } from '../helpers/binaries.js';
import { runCommand } from '../helpers/sv-run.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const RUN = join(REPO_ROOT, 'dist/bench/run.js');

test('bench --quick --only control writes medians and an ours/runit ratio', { skip: NEEDS_RUNIT }, async (t) => {
  const out = join(makeTempDir(t), 'result.json');
  const result = await runCommand(process.execPath, [RUN, '--quick', '--only', 'control', '--out', out]);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(report.machine.cpus > 0, true);
  assert.deepEqual(report.scenarios.map((s: { name: string }) => s.name), ['control']);
  const [control] = report.scenarios;
  assert.equal(control.status, 'ok', control.reason);
  assert.ok(control.metrics.length > 0);
  for (const metric of control.metrics) {
    assert.equal(typeof metric.ratio, 'number', `${metric.name} has a ratio`);
    assert.ok(metric.ours.n > 0 && metric.runit.n > 0);
  }
  assert.ok(existsSync(out.replace(/\.json$/, '.md')), 'the Markdown table is written next to the JSON');
  assert.match(result.stdout, /ours\/runit/);
});

test('bench rejects an unknown scenario with the list of known ones', async () => {
  const result = await runCommand(process.execPath, [RUN, '--only', 'no-such-scenario']);
  assert.equal(result.code, 100);
  assert.match(result.stderr, /control/);
});
