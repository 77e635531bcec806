/**
 * A Node program maps 30-40 MiB of its own binary while it starts (V8's snapshot, the module
 * loader, the compiler's paths, ICU's tables) and keeps those pages in its resident set for good,
 * though a supervisor at rest touches a few MiB of them again (measured in docs/performance.md).
 * They are clean pages of files (node, libc, koffi's addon), so once the program has been quiet
 * for a while after starting they are dropped from its page tables: the file's page cache keeps them, a page that
 * is used again comes back from there on its next touch (a minor fault, no disk read while the
 * cache holds it), and what is never touched again stops counting against the process. Pages a
 * mapping has written (relocations, COW) are anonymous and never dropped. Long-running programs
 * only (runsvdir, runit, runsv, svlogd); NODE_RUNIT_RELEASE_PAGES=0 keeps every page mapped.
 */
import { readFileSync } from 'node:fs';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { unmapCleanPages } from '../sys/index.js';

export const RELEASE_PAGES_ENV = 'NODE_RUNIT_RELEASE_PAGES';

/** A mapping whose resident pages all come unchanged from its file. */
export interface CleanFileMapping {
  start: bigint;
  length: number;
  path: string;
  residentKiB: number;
}

const HEADER = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \S+ +(.*)$/;

/**
 * The mappings of `smaps` (the text of /proc/PID/smaps) that can be dropped: private, not
 * writable, backed by a file (not a device), resident, and with no anonymous page, which a
 * read-only mapping has only when it was written before being made read-only (RELRO): dropping
 * those pages would undo the writes.
 */
export function cleanFileMappings(smaps: string): CleanFileMapping[] {
  const found: CleanFileMapping[] = [];
  let current: (CleanFileMapping & { anonymousKiB?: number }) | undefined;
  const close = (): void => {
    if (current !== undefined && current.anonymousKiB === 0 && current.residentKiB > 0) {
      found.push({ start: current.start, length: current.length, path: current.path, residentKiB: current.residentKiB });
    }
    current = undefined;
  };
  for (const line of smaps.split('\n')) {
    const header = HEADER.exec(line);
    if (header !== null) {
      close();
      const [, from, to, permissions, path] = header as unknown as [string, string, string, string, string];
      const isCandidate = permissions[1] === '-' && permissions[3] === 'p' && path.startsWith('/') && !path.startsWith('/dev/');
      if (isCandidate) {
        const start = BigInt(`0x${from}`);
        current = { start, length: Number(BigInt(`0x${to}`) - start), path, residentKiB: 0 };
      }
      continue;
    }
    if (current === undefined) continue;
    if (line.startsWith('Rss:')) current.residentKiB = Number(/\d+/.exec(line)?.[0] ?? 0);
    else if (line.startsWith('Anonymous:')) current.anonymousKiB = Number(/\d+/.exec(line)?.[0] ?? 1);
  }
  close();
  return found;
}

export interface PageSystem {
  readSmaps(): string;
  unmap(start: bigint, length: number): void;
}

const procSelf: PageSystem = {
  readSmaps: () => readFileSync('/proc/self/smaps', 'utf8'),
  unmap: unmapCleanPages,
};

/** Drops the clean file pages now; returns the KiB that were resident in the mappings dropped. */
export function releaseCleanFilePages(system: PageSystem = procSelf): number {
  let released = 0;
  let mappings: CleanFileMapping[];
  try {
    mappings = cleanFileMappings(system.readSmaps());
  } catch {
    return 0; // no /proc: nothing to do
  }
  for (const mapping of mappings) {
    try {
      system.unmap(mapping.start, mapping.length);
      released += mapping.residentKiB;
    } catch {
      // Locked or gone since smaps was read: left as it is.
    }
  }
  return released;
}

/** How often the event loop's load is looked at, and below which share of a window it is quiet. */
const WINDOW_MS = 250;
const QUIET_UTILIZATION = 0.02;
/** Consecutive quiet windows before the pages are dropped: a start-up burst has ended. */
const QUIET_WINDOWS = 2;
/**
 * BURST_WINDOWS windows in a row this busy are a burst (services starting): drop again after it.
 * One restart, even a spawn slowed down by a loaded machine, fills at most one such window.
 */
const BURST_UTILIZATION = 0.2;
const BURST_WINDOWS = 2;
/** How long the load is watched: start-up and its stragglers, not the life of the process. */
export const WATCH_MS = 60_000;

/**
 * When to drop, from the event loop's load window by window: once QUIET_WINDOWS windows in a row
 * were quiet after start-up, and again after any later burst within WATCH_MS: on a loaded machine
 * a start-up can pause long enough to look quiet, and what it then touches again would stay. One
 * restart or control command is not a burst, so it never pays for the pages twice.
 */
export class QuietWatch {
  #quietWindows = 0;
  #busyWindows = 0;
  #isArmed = true;
  readonly #endAt: number;

  constructor(startMs: number) {
    this.#endAt = startMs + WATCH_MS;
  }

  /** One window's share of busy time; true when the pages are to be dropped now. */
  onWindow(utilization: number): boolean {
    this.#busyWindows = utilization >= BURST_UTILIZATION ? this.#busyWindows + 1 : 0;
    if (this.#busyWindows >= BURST_WINDOWS) this.#isArmed = true;
    this.#quietWindows = utilization < QUIET_UTILIZATION ? this.#quietWindows + 1 : 0;
    if (!this.#isArmed || this.#quietWindows < QUIET_WINDOWS) return false;
    this.#isArmed = false;
    return true;
  }

  /** Watching is over: start-up and its stragglers are past, and nothing waits to be dropped. */
  isDone(nowMs: number): boolean {
    return !this.#isArmed && nowMs >= this.#endAt;
  }
}

/** Drops the clean file pages as QuietWatch says; the timer never keeps the process alive. */
export function releaseStartupPagesWhenQuiet(env: NodeJS.ProcessEnv, release: () => number = releaseCleanFilePages): void {
  if (env[RELEASE_PAGES_ENV] === '0' || process.platform !== 'linux') return;
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  const watch = new QuietWatch(performance.now());
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, last);
    last = now;
    if (watch.onWindow(utilization)) release();
    if (watch.isDone(performance.now())) clearInterval(timer);
  }, WINDOW_MS);
  timer.unref();
}
