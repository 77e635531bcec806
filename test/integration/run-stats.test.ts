// supervise/stats (issue 21, docs/node-runit.md "Run statistics"): kept by our supervisor in both
// topologies, read by Client.status(), watch() and `sv -j status`, ignored by real sv (SV-5 reads
// only supervise/status), absent under real runsv; which figures survive a supervisor restart.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client } from '../../src/index.js';
import { startSupervisor } from '../../src/runsv/index.js';
import { NEEDS_RUNIT, ourBin, realBin } from '../helpers/binaries.js';
import { defer } from '../helpers/cleanup.js';
import { startRunsv } from '../helpers/runsv-proc.js';
import { makeService } from '../helpers/service-dir.js';
import { runCommand } from '../helpers/sv-run.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { runSv } from '../compat/sv-harness.js';

const CRASH = 'echo crash >&2\nexit 3';

async function statsAfter(client: Client, restarts: number) {
  return waitFor(`${restarts} restarts counted`, async () => {
    const status = await client.status();
    return status.stats !== undefined && status.stats.restarts >= restarts ? status : undefined;
  }, { timeout: 20_000 });
}

test('our runsv counts restarts and the last exit; a new runsv keeps total starts and last exit', { skip: NEEDS_RUNIT, timeout: 60_000 }, async (t) => {
  const root = makeTempDir(t);
  const dir = makeService(join(root, 'crashy'), { run: CRASH });
  const client = new Client(dir);
  const first = await startRunsv(t, 'ours', root, 'crashy', { stdio: 'ignore' });
  const status = await statsAfter(client, 3);
  const stats = status.stats!;
  assert.equal(stats.lastExit?.code, 3);
  assert.equal(stats.lastExit?.signal, 0);
  assert.ok(stats.lastExit!.runMillis < 1000, `a crash at once lasted ${stats.lastExit!.runMillis} ms`);
  assert.ok(Math.abs(stats.lastExit!.at - Date.now()) < 5000);
  assert.equal(stats.isCrashLoop, true);
  assert.ok(stats.totalStarts >= stats.restarts + 1);

  // sv -j: the same figures as an additive field; real sv's line is unchanged by the file.
  const json = await runSv(ourBin('sv'), ['-j', 'status', dir], {});
  const line = JSON.parse(json.stdout);
  assert.equal(typeof line.stats.restarts, 'number');
  assert.equal(line.stats.lastExit.code, 3);
  assert.equal(line.stats.isCrashLoop, true);
  const real = await runCommand(realBin('sv'), ['status', dir]);
  assert.match(real.stdout, /^(run|down|finish): /);

  // Stop this runsv (x) and start another: restarts begin again, the rest carries over.
  await client.exit();
  await first.exited;
  const before = (await client.status().catch(() => undefined))?.stats;
  assert.equal(before, undefined, 'no supervisor: status is an error, not stale figures');
  const { parseRunStats } = await import('../../src/protocol/run-stats.js');
  const { readFileSync } = await import('node:fs');
  const left = parseRunStats(readFileSync(join(dir, 'supervise', 'stats'), 'utf8'))!;
  await startRunsv(t, 'ours', root, 'crashy', { stdio: 'ignore' });
  const again = await waitFor('the new runsv to count its first start', async () => {
    const s = (await client.status()).stats;
    return s !== undefined && s.totalStarts > left.totalStarts ? s : undefined;
  });
  assert.ok(again.restarts <= 1, `restarts restart from 0 (saw ${again.restarts})`);
  assert.ok(again.supervisorSince > left.supervisorSince);
  assert.ok(again.shortRuns >= left.shortRuns, 'the crash streak carries over');
  assert.notEqual(again.lastExit, null);
});

test('in process (runsvdir --in-process, the init): the same file, and watch() carries it', { timeout: 60_000 }, async (t) => {
  const root = makeTempDir(t);
  const dir = makeService(join(root, 'crashy'), { run: CRASH });
  const supervisor = await startSupervisor(dir, { writeDiagnostic: () => {} });
  defer(t, async () => {
    supervisor.terminate();
    await Promise.race([supervisor.exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    supervisor.killAll();
  });
  const controller = new AbortController();
  let seen = 0;
  for await (const status of new Client(dir).watch({ signal: controller.signal })) {
    if (status.stats !== undefined && status.stats.restarts >= 2) {
      seen = status.stats.restarts;
      controller.abort();
    }
  }
  assert.ok(seen >= 2);
});

test('under real runsv there is no stats file and Status.stats is undefined', { skip: NEEDS_RUNIT, timeout: 30_000 }, async (t) => {
  const root = makeTempDir(t);
  const dir = makeService(join(root, 'svc'), {});
  await startRunsv(t, 'real', root, 'svc', { stdio: 'ignore' });
  const status = await new Client(dir).waitFor('run', 10_000);
  assert.equal(status.stats, undefined);
  assert.equal(existsSync(join(dir, 'supervise', 'stats')), false);
  const json = JSON.parse((await runSv(ourBin('sv'), ['-j', 'status', dir], {})).stdout);
  assert.equal('stats' in json, false);
});
