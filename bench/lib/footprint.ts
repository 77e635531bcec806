/**
 * The physical memory a set of processes holds together: the number of distinct page frames
 * mapped by any of them (from /proc/PID/pagemap, root only). Unlike summed PSS it does not depend
 * on unrelated processes: PSS divides a shared page by everyone mapping it, so our one Node
 * process looks cheaper while other Node processes (the bench's own, other test suites) run, and
 * dearer on an idle machine. Shared code is counted once for the whole tree, on both sides.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

const PAGE = 4096;
const PRESENT = 0x8000_0000;

/** Address ranges with resident pages, from smaps (skips Node's huge empty reservations). */
function residentRanges(pid: number): Array<[number, number]> {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return [];
  }
  const ranges: Array<[number, number]> = [];
  let current: [number, number] | undefined;
  for (const line of text.split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (header !== null) {
      current = [parseInt(header[1]!, 16), parseInt(header[2]!, 16)];
      continue;
    }
    if (current !== undefined && line.startsWith('Rss:') && !/^Rss:\s+0 kB/.test(line)) ranges.push(current);
  }
  return ranges;
}

function addFrames(pid: number, frames: Set<number>): void {
  let fd: number;
  try {
    fd = openSync(`/proc/${pid}/pagemap`, 'r');
  } catch {
    return;
  }
  try {
    for (const [start, end] of residentRanges(pid)) {
      const buffer = Buffer.allocUnsafe(((end - start) / PAGE) * 8);
      const got = readSync(fd, buffer, 0, buffer.length, (start / PAGE) * 8);
      for (let at = 0; at + 8 <= got; at += 8) {
        const high = buffer.readUInt32LE(at + 4);
        if ((high & PRESENT) === 0) continue;
        const frame = (high & 0x7f_ffff) * 2 ** 32 + buffer.readUInt32LE(at);
        if (frame !== 0) frames.add(frame);
      }
    }
  } catch {
    // the process ended while being read: what was read stays counted
  } finally {
    closeSync(fd);
  }
}

/** KiB of distinct page frames mapped by `pids`; undefined when frame numbers are hidden (not root). */
export function footprintKiB(pids: readonly number[]): number | undefined {
  const frames = new Set<number>();
  for (const pid of pids) addFrames(pid, frames);
  return frames.size === 0 ? undefined : (frames.size * PAGE) / 1024;
}
