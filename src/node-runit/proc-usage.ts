/**
 * CPU and memory of a service's process tree, from /proc: one pass over every process gives each
 * one's parent, CPU ticks and resident pages, so a whole tree's figures cost one snapshot however
 * many services are asked about. A service's tree is its supervised pid and everything below it
 * (a shell's children, a server's workers), as `ps --forest` would draw it.
 */
import { readdirSync, readFileSync } from 'node:fs';

/**
 * The unit of /proc's utime and stime: USER_HZ, which Linux fixes at 100 for user space on every
 * architecture it supports, whatever the kernel's own HZ (see proc(5), "clock ticks").
 */
const TICKS_PER_SECOND = 100;

/** The kernel's page size (4 KiB on x86, up to 64 KiB on some arm64 kernels): rss is in pages. */
let pageBytes: number | undefined;
function pageSize(): number {
  if (pageBytes !== undefined) return pageBytes;
  pageBytes = 4096;
  try {
    const match = /^KernelPageSize:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/smaps', 'latin1'));
    if (match) pageBytes = Number(match[1]) * 1024;
  } catch {
    // no smaps (a restricted /proc): 4 KiB, the page size of nearly every Linux
  }
  return pageBytes;
}

export interface ProcessUsage {
  /** User + system CPU time of the tree's live processes, in seconds. */
  cpuSeconds: number;
  /** Resident memory of the tree's processes, in bytes (shared pages count once per process, as ps does). */
  memoryBytes: number;
  /** The pids counted, the root first. */
  pids: number[];
}

interface Entry {
  ppid: number;
  ticks: number;
  rssPages: number;
}

/** Fields of /proc/PID/stat after the `)` that ends the command name: state is field 3. */
const FIELD = { ppid: 4, utime: 14, stime: 15, rss: 24 } as const;

/** Parses one /proc/PID/stat text; undefined when it is not one. */
export function parseProcStat(text: string): Entry | undefined {
  const close = text.lastIndexOf(')');
  if (close === -1) return undefined;
  const fields = text.slice(close + 2).split(' ');
  const at = (field: number): number => Number(fields[field - 3]);
  const entry = { ppid: at(FIELD.ppid), ticks: at(FIELD.utime) + at(FIELD.stime), rssPages: at(FIELD.rss) };
  return Number.isFinite(entry.ppid) && Number.isFinite(entry.ticks) && Number.isFinite(entry.rssPages) ? entry : undefined;
}

/** Every process of the moment, by pid, with its children. */
export class ProcSnapshot {
  readonly #entries = new Map<number, Entry>();
  readonly #children = new Map<number, number[]>();

  constructor(proc = '/proc') {
    let names: string[];
    try {
      names = readdirSync(proc);
    } catch {
      return; // no /proc: every usage reads as unknown
    }
    for (const name of names) {
      const pid = Number(name);
      if (!Number.isInteger(pid) || pid <= 0) continue;
      let text: string;
      try {
        text = readFileSync(`${proc}/${pid}/stat`, 'latin1');
      } catch {
        continue; // exited between the listing and the read
      }
      const entry = parseProcStat(text);
      if (entry === undefined) continue;
      this.#entries.set(pid, entry);
      const siblings = this.#children.get(entry.ppid);
      if (siblings) siblings.push(pid);
      else this.#children.set(entry.ppid, [pid]);
    }
  }

  /** The figures of `pid` and everything below it; undefined when `pid` is not running. */
  usageOf(pid: number): ProcessUsage | undefined {
    if (pid <= 0 || !this.#entries.has(pid)) return undefined;
    const pids: number[] = [];
    let ticks = 0;
    let pages = 0;
    const stack = [pid];
    while (stack.length > 0) {
      const next = stack.pop()!;
      const entry = this.#entries.get(next);
      if (entry === undefined || pids.includes(next)) continue;
      pids.push(next);
      ticks += entry.ticks;
      pages += entry.rssPages;
      stack.push(...(this.#children.get(next) ?? []));
    }
    return { cpuSeconds: ticks / TICKS_PER_SECOND, memoryBytes: pages * pageSize(), pids };
  }
}
