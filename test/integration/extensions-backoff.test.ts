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
  return lines(file).map((line) => Number(BigInt(line.split(' ')[0]!) / 1_000_000n));
}

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
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
      const run = `if [ -e ${stable} ]; then rm -f ${stable}; echo "$(date +%s%N) stable" >> ${log}; sleep 1.7; exit 1; fi\ndate +%s%N >> ${log}\nexit 1`;
      const { dir } = startExtendedTree(t, topology, { loop: { run, files: { 'restart-backoff': '200 1600\n' } } });
      const service = join(dir, 'loop');
      // Every held restart the status shows, in order: the schedule as the supervisor chose it.
      const held: { delay: number; crashes: number }[] = [];
      const watching = new AbortController();
      defer(t, () => watching.abort());
      await waitFor('a first start', () => startTimes(log).length >= 1);
      void (async () => {
        for await (const status of new Client(service).watch({ signal: watching.signal })) {
          const last = held.at(-1);
          const backoff = status.backoff;
          if (backoff && (last === undefined || last.crashes !== backoff.crashes)) held.push({ delay: backoff.delay, crashes: backoff.crashes });
        }
      })().catch(() => undefined);
      await waitFor('six starts', () => startTimes(log).length >= 6, { timeout: 30_000 });

      // While a restart is held, status says so: sv -j, the Client, and real sv still reads it.
      const json = await waitFor('sv -j to show the held restart', async () => {
        const line = JSON.parse((await runCommand(ourBin('sv'), ['-j', 'status', service])).stdout) as Record<string, unknown>;
        return line['restartDelay'] === 1600 ? line : undefined;
      }, { timeout: 10_000 });
      assert.equal(json['state'], 'down');
      assert.equal(typeof json['restartAt'], 'string');
      assert.ok((json['crashes'] as number) >= 5);
      const real = await runCommand(realBin('sv'), ['status', service]);
      assert.match(real.stdout, new RegExp(`^(down|run): ${service}: `));

      t.diagnostic(`held: ${held.map((h) => `${h.crashes}:${h.delay}`).join(' ')}`);
      assert.deepEqual(held.slice(0, 5), [
        { delay: 200, crashes: 1 },
        { delay: 400, crashes: 2 },
        { delay: 800, crashes: 3 },
        { delay: 1600, crashes: 4 },
        { delay: 1600, crashes: 5 },
      ]);
      // The restarts themselves: never early; late only by the cost of starting a shell (the
      // upper bound is loose for a loaded machine).
      const observed = gaps(startTimes(log).slice(0, 6));
      t.diagnostic(`gaps: ${observed.join(', ')}`);
      observed.forEach((gap, index) => {
        const delay = held[index]!.delay;
        assert.ok(gap >= delay - 20 && gap < delay + 1500, `gap ${index + 1}: ${gap} ms for a delay of ${delay}`);
      });

      // An instance that runs longer than MAX resets the schedule: the next held restart is FIRST.
      const heldBefore = held.length;
      writeFileSync(stable, '');
      await waitFor('the stable instance to crash and be held', () => held.slice(heldBefore).find((h) => h.crashes === 1), { timeout: 20_000 });
      // Its restart came after its 1.7 s of uptime plus FIRST.
      const stableGap = await waitFor('the restart after the stable instance', () => {
        const index = lines(log).findIndex((line) => line.endsWith(' stable'));
        const times = startTimes(log);
        return index >= 0 && index + 1 < times.length ? times[index + 1]! - times[index]! : undefined;
      }, { timeout: 10_000 });
      assert.ok(stableGap >= 1700 + 180 && stableGap < 1700 + 200 + 1500, `stable instance to next start: ${stableGap} ms`);
      t.diagnostic(`after the stable instance: ${held.slice(heldBefore).map((h) => `${h.crashes}:${h.delay}`).join(' ')}`);
      assert.deepEqual(held.slice(heldBefore).find((h) => h.crashes === 1), { delay: 200, crashes: 1 });
    });
  });
}
