/** What /proc says about the processes a scenario started: their tree, memory and CPU time. */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { childPids } from '../../src/runit/reaper.js';

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/** `root` and all its descendants, not descending below a pid in `stopAt` (which is left out). */
export function treeOf(root: number, stopAt: ReadonlySet<number> = new Set()): number[] {
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    if (stopAt.has(pid) || found.includes(pid)) continue;
    found.push(pid);
    queue.push(...childPids(pid));
  }
  return found;
}

/** Proportional set size in KiB (shared pages divided among their users), 0 when gone. */
export function pssKiB(pid: number): number {
  const match = /^Pss:\s+(\d+) kB$/m.exec(readOr(`/proc/${pid}/smaps_rollup`, ''));
  return match === null ? 0 : Number(match[1]);
}

export function rssKiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readOr(`/proc/${pid}/status`, ''));
  return match === null ? 0 : Number(match[1]);
}

/**
 * CPU time of a process so far in nanoseconds, summed over its threads (/proc/PID/schedstat
 * counts the main thread only; libuv's pool threads count too). Clock ticks of /proc/PID/stat
 * are 10 ms: too coarse for a C supervisor that uses a few ms in a minute.
 */
export function cpuNs(pid: number): number {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  let total = 0;
  for (const task of tasks) total += Number(readOr(`/proc/${pid}/task/${task}/schedstat`, '0').split(' ')[0]);
  return total;
}

/**
 * Processes whose working directory is `dir` or below it. For a fresh temp dir of the bench these
 * are ours by construction: a service runs in its service directory, its supervisor in the parent.
 */
export function pidsWithin(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let cwd: string;
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      continue;
    }
    if (cwd === dir || cwd.startsWith(`${dir}/`)) found.push(pid);
  }
  return found;
}
