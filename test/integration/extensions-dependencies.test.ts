// dependencies.d (docs/extensions.md) in both topologies: B waits for A's readiness; A's crash
// does not stop B; a cycle and a missing dependency are reported (and a missing one that
// appears later is then waited for no more). Real sv reads every service throughout.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Client } from '../../src/index.js';
import { NEEDS_RUNIT, realBin } from '../helpers/binaries.js';
import { TOPOLOGIES, makeExtendedService, startExtendedTree } from '../helpers/extension-tree.js';
import { svRun, svStatus, waitRunning } from '../helpers/sv-run.js';
import { waitFor } from '../helpers/wait-for.js';

const READY_AFTER_1S = 'sleep 1\necho >&3\nexec sleep 1000';

for (const topology of TOPOLOGIES) {
  describe(`dependencies.d, ${topology.label}`, { skip: NEEDS_RUNIT, timeout: 60_000 }, () => {
    test('B starts only once A is ready; A crashing later does not stop B', async (t) => {
      const { dir, tree } = startExtendedTree(t, topology, {
        a: { run: READY_AFTER_1S, files: { 'notification-fd': '3\n' } },
        b: { files: { 'dependencies.d/a': '' } },
      });
      const a = new Client(join(dir, 'a'));
      const b = new Client(join(dir, 'b'));
      await waitRunning(join(dir, 'b'));
      const aStatus = await a.status();
      const bStatus = await b.status();
      assert.equal(aStatus.ready, true);
      assert.ok(bStatus.since.getTime() >= aStatus.readySince!.getTime(), `b started ${bStatus.since.toISOString()}, a ready ${aStatus.readySince!.toISOString()}`);
      assert.match(tree.stderr(), /runsv [^\n]*b: warning: waiting for dependency a: not (ready|up|supervised)\n/);

      svRun(['k', join(dir, 'a')], realBin('sv'));
      await a.waitFor((s) => s.state === 'run' && s.pid !== aStatus.pid, 5000);
      await a.waitReady(5000);
      assert.equal((await b.status()).pid, bStatus.pid, 'b kept running through a\'s crash');
    });

    test('a cycle is reported and not waited for; a missing dependency is reported until it appears', async (t) => {
      const { dir, tree } = startExtendedTree(t, topology, {
        c: { files: { 'dependencies.d/d': '' } },
        d: { files: { 'dependencies.d/c': '' } },
        e: { files: { 'dependencies.d/late': '' } },
      });
      await waitRunning(join(dir, 'c'));
      await waitRunning(join(dir, 'd'));
      assert.match(tree.stderr(), /runsv [^\n]*c: warning: dependency cycle: c -> d -> c, not waiting for d\n/);
      assert.match(tree.stderr(), /runsv [^\n]*d: warning: dependency cycle: d -> c -> d, not waiting for c\n/);

      await waitFor('the missing dependency to be reported', () => /runsv [^\n]*e: warning: waiting for dependency late: no such service\n/.test(tree.stderr()));
      assert.match(svStatus(join(dir, 'e')), /^down: /);
      makeExtendedService(join(dir, 'late'), {});
      await waitRunning(join(dir, 'late'));
      await waitRunning(join(dir, 'e'));
    });
  });
}
