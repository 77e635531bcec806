/**
 * Flat memory: R restarts (`k` written to `supervise/control`, as `sv k` does) spread over M
 * services, each killed once it has run 1.1 s so that runit's 1-second rule never delays it; the
 * supervisors' RSS and footprint sampled along the way. The slope (least squares over the samples
 * after the first tenth) says whether anything grows per restart.
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readStatus, sendControl } from '../../test/helpers/supervise-files.js';
import { footprintKiB } from '../lib/footprint.js';
import { rssKiB } from '../lib/procfs.js';
import { withScope, type Scope } from '../lib/scope.js';
import { startTree } from '../lib/tree.js';
import { makeService, mib, timeUntil, type Side, type StressContext, type StressScenario } from './common.js';

const RUN_BEFORE_KILL_MS = 1100;
const SAMPLES = 20;

interface Sample {
  restarts: number;
  rssKiB: number;
  footprintKiB: number;
}

/** KiB per 1000 restarts, least squares. */
function slope(samples: readonly Sample[], pick: (sample: Sample) => number): number {
  const n = samples.length;
  const meanX = samples.reduce((sum, s) => sum + s.restarts, 0) / n;
  const meanY = samples.reduce((sum, s) => sum + pick(s), 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.restarts - meanX) * (pick(s) - meanY);
    den += (s.restarts - meanX) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 1000;
}

/** From --trace-gc: `Mark-Compact 9.8 (12.1) -> 7.6 (12.3) MB` gives 7.6. */
function liveHeapsAfterFullGc(trace: string): number[] {
  return [...trace.matchAll(/Mark-Compact(?: \(reduce\))? [\d.]+ \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/g)].map((match) => Number(match[1]));
}

async function runSide(context: StressContext, scope: Scope, side: Side): Promise<void> {
  const { restarts: target, memoryServices } = context.sizes;
  const root = scope.tempDir(`memory-${side.name}`);
  const scan = join(root, 'sv');
  const dirs = Array.from({ length: memoryServices }, (_, i) => makeService(join(scan, `s${String(i).padStart(4, '0')}`), 'exec sleep 100000\n'));
  // Ours prints V8's heap after each collection: the live heap after a full one is the heap figure.
  const gcLog = join(root, 'gc.log');
  const gcFd = openSync(gcLog, 'w');
  scope.defer(() => closeSync(gcFd));
  const isOurs = side.impl.name === 'ours';
  const tree = startTree(scope, side.impl, scan, isOurs ? 'in-process' : 'default', isOurs ? { nodeFlags: ['--trace-gc', '--trace-gc-ignore-scavenger'], stdoutFd: gcFd } : {});
  if ((await timeUntil(() => dirs.every((dir) => readStatus(dir)?.state === 1), 300_000, 500)) === undefined) throw new Error(`${side.name}: the services never all ran`);
  const sample = (restarts: number): Sample => {
    const pids = tree.supervisingPids();
    return { restarts, rssKiB: pids.reduce((sum, pid) => sum + rssKiB(pid), 0), footprintKiB: footprintKiB(pids) ?? 0 };
  };
  const samples: Sample[] = [sample(0)];
  const tracked = dirs.map(() => ({ pid: 0, seenAt: 0, isKilled: false }));
  let restarts = 0;
  let lastProgress = Date.now();
  const started = Date.now();
  while (restarts < target && Date.now() - lastProgress < 60_000 && tree.whyDead() === undefined) {
    const now = Date.now();
    dirs.forEach((dir, i) => {
      const record = readStatus(dir);
      const instance = tracked[i]!;
      if (record === undefined || record.pid === 0) return;
      if (record.pid !== instance.pid) {
        if (instance.isKilled) {
          restarts += 1;
          lastProgress = now;
          if (restarts % Math.max(1, Math.floor(target / SAMPLES)) === 0) samples.push(sample(restarts));
        }
        tracked[i] = { pid: record.pid, seenAt: now, isKilled: false };
      } else if (!instance.isKilled && now - instance.seenAt >= RUN_BEFORE_KILL_MS && restarts < target) {
        sendControl(dir, 'k');
        instance.isKilled = true;
      }
    });
    await sleep(100);
  }
  const seconds = (Date.now() - started) / 1000;
  const settled = samples.slice(Math.max(1, Math.floor(samples.length / 10)));
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const record = (metric: string, value: string | number, isOk?: boolean): void => context.record({ side: side.name, metric, value, ...(isOk === undefined ? {} : { isOk }) });
  record(`restarts done over ${memoryServices} services`, `${restarts} in ${seconds.toFixed(0)} s`, restarts >= target);
  record('supervisors\' RSS: start → end', `${mib(first.rssKiB)} → ${mib(last.rssKiB)}`);
  record('supervisors\' footprint: start → end', `${mib(first.footprintKiB)} → ${mib(last.footprintKiB)}`);
  const rssSlope = slope(settled, (s) => s.rssKiB);
  const footprintSlope = slope(settled, (s) => s.footprintKiB);
  record('RSS slope after the first tenth (KiB per 1000 restarts)', rssSlope.toFixed(1));
  // Flat: less than 1 KiB a restart, i.e. no per-restart leak (a leaked fd, record or timer).
  record('footprint slope after the first tenth (KiB per 1000 restarts)', footprintSlope.toFixed(1), footprintSlope < 1000);
  if (isOurs) {
    const heaps = liveHeapsAfterFullGc(readFileSync(gcLog, 'latin1'));
    record('V8 heap after a full GC: first → last (of n)', heaps.length === 0 ? 'no full GC' : `${heaps[0]} MB → ${heaps[heaps.length - 1]} MB (${heaps.length})`);
  }
  record('samples (restarts: RSS KiB)', samples.map((s) => `${s.restarts}: ${s.rssKiB}`).join(', '));
}

export const MEMORY: StressScenario = {
  name: 'memory',
  what: 'R restarts (k after 1.1 s of run) over M services; RSS and footprint of the supervisors sampled, least-squares slope after the first tenth',
  async run(context) {
    for (const side of context.sides(['ours-in-process', 'runit'])) await withScope((scope) => runSide(context, scope, side));
  },
};
