// The init's stage sequence without an init process: stage scripts are real, time is fake.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runInit, StopRequest, type InitOptions, type InitOutcome } from '../../../src/runit/init.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

function stage(dir: string, n: 1 | 2 | 3, body: string): void {
  writeFileSync(join(dir, String(n)), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, String(n)), 0o755);
}

/** Runs the init to its end, moving the fake clock while the stage scripts run in real time. */
async function runToEnd(options: Partial<InitOptions> & { stageDir: string }, stop = new StopRequest()) {
  const lines: string[] = [];
  const clock = new FakeClock();
  const init: InitOptions = { graceMillis: 7000, isInProcess: true, serviceDir: undefined, ...options };
  let outcome: InitOutcome | undefined;
  void runInit(init, stop, { writeLine: (line) => lines.push(line), clock }).then((result) => (outcome = result));
  const ended = await waitFor('the init to end', () => {
    clock.advance(100);
    return outcome;
  });
  return { outcome: ended, lines, clock };
}

test('stage 1 exiting 100 skips stage 2; stage 3 still runs and the stages failed', async (t) => {
  const dir = makeTempDir(t);
  stage(dir, 1, 'exit 100');
  stage(dir, 2, `touch ${dir}/stage2-ran`);
  stage(dir, 3, 'exit 0');
  const { outcome, lines } = await runToEnd({ stageDir: dir });
  assert.deepEqual(outcome, { isFatal: false, isStageFailed: true, killed: 0 });
  assert.equal(existsSync(join(dir, 'stage2-ran')), false);
  assert.deepEqual(lines, [
    `- runit: enter stage: ${dir}/1\n`,
    `- runit: leave stage: ${dir}/1\n`,
    `- runit: enter stage: ${dir}/3\n`,
    `- runit: leave stage: ${dir}/3\n`,
    '- runit: exit: stage 2 ended.\n',
  ]);
});

test('a stage-2 script exiting 111 is run again a second later', async (t) => {
  const dir = makeTempDir(t);
  stage(dir, 2, `[ -e ${dir}/once ] && exit 0\ntouch ${dir}/once\nexit 111`);
  const { outcome, lines } = await runToEnd({ stageDir: dir });
  assert.deepEqual(outcome, { isFatal: false, isStageFailed: false, killed: 0 });
  assert.equal(lines.filter((line) => line === `- runit: enter stage: ${dir}/2\n`).length, 2);
});

test('a stop request TERMs the stage-2 script and is named at the exit', async (t) => {
  const dir = makeTempDir(t);
  stage(dir, 2, `touch ${dir}/started\nexec sleep 100`);
  const stop = new StopRequest();
  const ended = runToEnd({ stageDir: dir }, stop);
  await waitFor('stage 2 to start', () => existsSync(join(dir, 'started')));
  stop.request('SIGTERM');
  stop.request('SIGINT');
  const { outcome, lines } = await ended;
  assert.deepEqual(outcome, { isFatal: false, isStageFailed: false, killed: 0 });
  assert.equal(lines.at(-1), '- runit: exit: received SIGTERM.\n');
});

test('a service directory that cannot be opened is fatal at once', async (t) => {
  const dir = makeTempDir(t);
  const missing = join(dir, 'missing');
  const { outcome, lines } = await runToEnd({ stageDir: dir, serviceDir: missing });
  assert.deepEqual(outcome, { isFatal: true });
  assert.deepEqual(lines, [`runit: fatal: unable to open service directory ${missing}: file does not exist\n`]);
});
