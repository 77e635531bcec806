// Issue 14, fault 6: the init's whole stop fits in the grace period plus the documented margin
// (GRACE_MARGIN_MILLIS), even with a service that ignores TERM, a finish that hangs and a
// double-forked daemon that ignores TERM; and every process KILLed at the grace is named. The
// init runs as a subreaper (not PID 1) on a tree with no stage scripts.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GRACE_MARGIN_MILLIS } from '../../src/runit/init.js';
import { ourBin } from '../helpers/binaries.js';
import { isAlive, killPid, spawnTracked } from '../helpers/procs.js';
import { makeService } from '../helpers/service-dir.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const GRACE_SECONDS = 2;
/** Node's start-up and exit on a loaded 2-core machine; the old stop took grace x 2 + 5 s. */
const SLACK_MILLIS = 1500;

test('TERM with a stubborn service, a hanging finish and a stubborn orphan: one grace period, all named', async (t) => {
  const root = makeTempDir(t, 'node-runit-stop-');
  const svc = join(root, 'service');
  const orphanPidFile = join(root, 'orphan.pid');
  makeService(join(svc, 'stubborn'), {
    run: [
      "trap '' TERM",
      // A daemon that double-forks away from its service and ignores TERM too.
      `(setsid sh -c "echo \\$\\$ > ${orphanPidFile}; trap '' TERM; exec sleep 998" &)`,
      `echo up > ${root}/up`,
      'exec sleep 1000',
    ].join('\n'),
    finish: `echo finish > ${root}/finish\ntrap '' TERM\nexec sleep 997`,
  });
  makeService(join(svc, 'polite'), { run: 'exec sleep 1000' });
  const init = spawnTracked(t, process.execPath, [ourBin('runit'), '-g', String(GRACE_SECONDS), svc]);
  await waitFor('the stubborn service and its orphan', () => existsSync(join(root, 'up')) && existsSync(orphanPidFile), {
    timeout: 20_000,
  });
  const orphan = Number(readFileSync(orphanPidFile, 'utf8'));
  t.after(() => killPid(orphan));
  const sentAt = Date.now();
  process.kill(init.pid, 'SIGTERM');
  const { code } = await init.exited;
  const took = Date.now() - sentAt;
  const stderr = init.stderr();
  assert.equal(code, 1, stderr);
  assert.ok(took >= GRACE_SECONDS * 1000, `stopped after ${took} ms, before the grace period\n${stderr}`);
  assert.ok(
    took < GRACE_SECONDS * 1000 + GRACE_MARGIN_MILLIS + SLACK_MILLIS,
    `stopped after ${took} ms: more than the grace period and its margin\n${stderr}`,
  );
  assert.match(stderr, /^runit: warning: killed at the grace period: stubborn$/m);
  assert.match(stderr, new RegExp(`^runit: warning: killed at the grace period: pid ${orphan} \\(sleep\\)$`, 'm'));
  assert.doesNotMatch(stderr, /killed at the grace period: polite/);
  assert.equal(isAlive(orphan), false, 'the orphan outlived the init');
  // The finish started after the KILL, and hung: it was KILLed too, within the margin.
  assert.ok(existsSync(join(root, 'finish')), 'the finish never ran');
});
