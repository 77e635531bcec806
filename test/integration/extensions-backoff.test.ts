// restart-backoff (docs/extensions.md) with real processes in both topologies: the restart
// times of a crash loop follow FIRST, 2*FIRST, ... up to MAX, a held restart shows in status, and
// an instance that stayed up MAX ms starts the schedule over. Real sv still reads the service.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Client } from '../../src/index.js';
import { NEEDS_RUNIT, ourBin, realBin } from '../helpers/binaries.js';
import { defer } from '../helpers/cleanup.js';
import { TOPOLOGIES, startExtendedTree } from '../helpers/extension-tree.js';
import { runCommand } from '../helpers/sv-run.js';
import { waitFor } from '../helpers/wait-for.js';

/** Start times (ms) the run script wrote, one line each. */
function startTimes(file: string): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((ns) => Number(BigInt(ns) / 1_000_000n));
}

function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((at, index) => at - times[index]!);
}

for (const topology of TOPOLOGIES) {
  describe(`restart-backoff, ${topology.label}`, { skip: NEEDS_RUNIT, timeout: 60_000 }, () => {
    test('a crash loop restarts after 200, 400, 800, 1600, 1600 ms; stable uptime resets it', async (t) => {
      const scratch = mkdtempSync(join(tmpdir(), 'ext-backoff-'));
      defer(t, () => rmSync(scratch, { recursive: true, force: true }));
      const log = join(scratch, 'starts');
      const stable = join(scratch, 'stable');
      // Crashes at once, or after 1.7 s (longer than MAX) while `stable` exists.
      const run = `date +%s%N >> ${log}\nif [ -e ${stable} ]; then rm -f ${stable}; sleep 1.7; fi\nexit 1`;
      const { dir } = startExtendedTree(t, topology, { loop: { run, files: { 'restart-backoff': '200 1600\n' } } });
      const service = join(dir, 'loop');
      await waitFor('six starts', () => startTimes(log).length >= 6, { timeout: 20_000 });

      // While a restart is held, status says so: sv -j, the Client, and real sv still reads it.
      const held = await new Client(service).waitFor((s) => s.backoff !== undefined, 5000);
      assert.equal(held.state, 'down');
      assert.ok(held.backoff!.delay >= 200 && held.backoff!.delay <= 1600);
      const real = await runCommand(realBin('sv'), ['status', service]);
      assert.match(real.stdout, new RegExp(`^(down|run): ${service}: `));

      const observed = gaps(startTimes(log).slice(0, 6));
      t.diagnostic(`gaps: ${observed.join(', ')}`);
      const expected = [200, 400, 800, 1600, 1600];
      observed.forEach((gap, index) => {
        assert.ok(gap >= expected[index]! - 20 && gap < expected[index]! + 400, `gap ${index + 1}: ${gap} ms, expected ${expected[index]}`);
      });

      const json = await waitFor('sv -j to show the held restart', async () => {
        const line = JSON.parse((await runCommand(ourBin('sv'), ['-j', 'status', service])).stdout) as Record<string, unknown>;
        return line['restartDelay'] === 1600 ? line : undefined;
      }, { timeout: 5000 });
      assert.equal(typeof json['restartAt'], 'string');
      assert.ok((json['crashes'] as number) >= 5);

      // An instance that runs longer than MAX resets the schedule: the next gap after it is FIRST.
      writeFileSync(stable, '');
      const before = startTimes(log).length;
      await waitFor('the stable instance and the two starts after it', () => startTimes(log).length >= before + 3, { timeout: 15_000 });
      const times = startTimes(log);
      const afterStable = gaps(times.slice(before, before + 3));
      t.diagnostic(`gaps around the stable instance: ${afterStable.join(', ')}`);
      // The first start after `stable` appeared ran 1.7 s, then waited FIRST; the next waited 2 * FIRST.
      assert.ok(afterStable[0]! >= 1700 + 180 && afterStable[0]! < 1700 + 600, `after stable: ${afterStable[0]} ms`);
      assert.ok(afterStable[1]! >= 380 && afterStable[1]! < 800, `then: ${afterStable[1]} ms`);
    });
  });
}
