/**
 * runsvdir's scanner (RSD-2, RSD-4, RSD-5, RSD-8): which entries of the directory are services,
 * when to look again, and which supervisor to start or stop. How a supervisor is run (a runsv
 * process, or a Supervisor in this process) is the ServiceRunner's business.
 */
import { watch, type FSWatcher } from 'node:fs';
import { sleep, systemClock, wallMillis, type Clock } from '../clock.js';
import { readServiceEntries, type ServiceEntry, isHalfWritten, statDir, writeForcedRescan } from './scan-fs.js';

/** One running supervisor, as the scanner sees it. */
export interface RunningService {
  readonly name: string;
  /** runsvdir's "stop": SIGTERM to runsv, or terminate() in process (RSD-5). */
  stop(): void;
  /** The last resort at a shutdown's grace period: SIGKILL the service and its log service. */
  kill(): void;
  /** Resolves once the supervisor has ended (or could not start). */
  readonly ended: Promise<void>;
}

export interface ServiceRunner {
  /**
   * Starts a supervisor for `name` (an entry of the scanned directory). `onEnded` must be called
   * once when it ends, including when it could not start, so the next scan retries it (RSD-6).
   */
  start(name: string, onEnded: () => void): RunningService;
}

export interface ScannerOptions {
  clock?: Clock;
  /** A warning's text after `runsvdir DIR: warning: ` (no newline). */
  warn?: (text: string) => void;
  /** Pick up new entries at once through fs.watch; the 5 s check stays as the safety net. */
  watch?: boolean;
  /** Called after each pass of the 1 s gate (RSD-4 step 3), as runit's loop goes on to step 4. */
  onChecked?: () => void;
}

/** runit's limit (RSD-2). */
export const MAX_SERVICES = 1000;
const CHECK_GATE_MS = 1000;
const IDLE_WAIT_MS = 5000;
const CHECK_WAIT_MS = 1000;

interface Known {
  name: string;
  service: RunningService | undefined;
  /** Set at the start of a scan; what stays set has gone from the directory. */
  isGone: boolean;
  hasStarted: boolean;
}

export class Scanner {
  readonly dir: string;
  readonly #runner: ServiceRunner;
  readonly #clock: Clock;
  readonly #warn: (text: string) => void;
  readonly #wantWatch: boolean;
  readonly #onChecked: () => void;
  readonly #known = new Map<string, Known>();
  // Set at start: until a first scan succeeds, runit looks again every second (observed).
  #wantCheck = true;
  #wantForced = false;
  /** A supervisor has ended: the next wake-up scans, as runit's reaping sets its check flag. */
  #wantRestart = false;
  #wantWatchScan = false;
  #nextCheck = 0;
  #last: { mtimeMs: number; ino: number; dev: number } | undefined;
  #cancelWake: (() => void) | undefined;
  #watcher: FSWatcher | undefined;
  #watchedIno = -1;
  #busy = false;
  #isClosed = false;

  constructor(dir: string, runner: ServiceRunner, options: ScannerOptions = {}) {
    this.dir = dir;
    this.#runner = runner;
    this.#clock = options.clock ?? systemClock;
    this.#warn = options.warn ?? (() => {});
    this.#wantWatch = options.watch ?? true;
    this.#onChecked = options.onChecked ?? (() => {});
  }

  /** Starts the loop; the first scan happens at once. */
  start(): void {
    this.#schedule(0);
  }

  /** Debian's SIGALRM (RSD-8): scan at the next gate whatever the directory's stamps say. */
  forceRescan(): void {
    this.#wantForced = true;
    this.#schedule(Math.max(0, this.#nextCheck - this.#clock.monotonicMillis()));
  }

  /** The supervisors currently running. */
  services(): RunningService[] {
    const running: RunningService[] = [];
    for (const known of this.#known.values()) if (known.service !== undefined) running.push(known.service);
    return running;
  }

  /** Names of the services known, in the order they were met. */
  names(): string[] {
    return [...this.#known.values()].map((known) => known.name);
  }

  /** Stops looking; supervisors are left as they are (the caller decides, RSD-7). */
  close(): void {
    this.#isClosed = true;
    this.#cancelWake?.();
    this.#watcher?.close();
    this.#watcher = undefined;
  }

  #schedule(millis: number): void {
    if (this.#isClosed) return;
    this.#cancelWake?.();
    this.#cancelWake = this.#clock.setTimer(millis, () => void this.#tick());
  }

  async #tick(): Promise<void> {
    if (this.#busy || this.#isClosed) return;
    this.#busy = true;
    try {
      await this.#check();
    } finally {
      this.#busy = false;
    }
    this.#onChecked();
    if (this.#isClosed) return;
    if (this.#wantWatchScan) return this.#schedule(0);
    const wait = this.#wantCheck || this.#wantForced ? CHECK_WAIT_MS : IDLE_WAIT_MS;
    this.#schedule(Math.max(wait, this.#nextCheck - this.#clock.monotonicMillis()));
  }

  /** RSD-4 step 3, plus the watch path, which skips the gate and the same-second sleep. */
  async #check(): Promise<void> {
    const now = this.#clock.monotonicMillis();
    const isWatchScan = this.#wantWatchScan;
    this.#wantWatchScan = false;
    if (now < this.#nextCheck && !isWatchScan) return;
    if (!isWatchScan) this.#nextCheck = now + CHECK_GATE_MS;
    const stat = statDir(this.dir);
    if (typeof stat === 'string') {
      this.#warn(stat);
      return;
    }
    this.#ensureWatch(stat.ino);
    const isForced = this.#wantForced;
    const isChanged =
      this.#last === undefined ||
      stat.mtimeMs !== this.#last.mtimeMs ||
      stat.ino !== this.#last.ino ||
      stat.dev !== this.#last.dev;
    if (!this.#wantCheck && !this.#wantRestart && !isForced && !isChanged && !isWatchScan) return;
    this.#last = { mtimeMs: stat.mtimeMs, ino: stat.ino, dev: stat.dev };
    this.#wantCheck = false;
    this.#wantRestart = false;
    this.#wantForced = false;
    // Changes made in the same second as the scan could be missed by the mtime test: look again
    // a second later (RSD-4). A forced rescan and an fs.watch event skip this.
    if (!isForced && !isWatchScan && wallMillis(this.#clock) <= Math.floor(stat.mtimeMs / 1000) * 1000 + 999) {
      await sleep(this.#clock, 1000);
      if (this.#isClosed) return;
    }
    this.#scan();
    if (isForced) {
      const failure = writeForcedRescan(this.dir, this.#clock.now());
      if (failure !== undefined) this.#warn(failure);
    }
  }

  /** RSD-5. */
  #scan(): void {
    for (const known of this.#known.values()) known.isGone = true;
    const entries = readServiceEntries(this.dir, this.#warn);
    if (entries === undefined) {
      this.#wantCheck = true;
      return;
    }
    let isTooManyWarned = false;
    for (const entry of entries) {
      const known = this.#known.get(entry.key);
      if (known !== undefined) {
        known.isGone = false;
        // runit keeps no names: a restart uses the entry's current name (after a rename).
        known.name = entry.name;
        if (known.service === undefined) this.#startKnown(known, entry);
        continue;
      }
      if (this.#known.size >= MAX_SERVICES) {
        if (!isTooManyWarned) this.#warn(`unable to start runsv ${entry.name}: too many services.`);
        isTooManyWarned = true;
        continue;
      }
      const fresh: Known = { name: entry.name, service: undefined, isGone: false, hasStarted: false };
      this.#known.set(entry.key, fresh);
      this.#startKnown(fresh, entry);
      this.#wantCheck = true;
    }
    for (const [key, known] of this.#known) {
      if (!known.isGone) continue;
      known.service?.stop();
      this.#known.delete(key);
      this.#wantCheck = true;
    }
  }

  #startKnown(known: Known, entry: ServiceEntry): void {
    // Beyond runit: a directory still being written (no run yet, changed moments ago) waits for
    // the next scan instead of getting a supervisor that would miss its log/ (retried, not lost).
    if (!known.hasStarted && isHalfWritten(entry, wallMillis(this.#clock))) {
      this.#wantCheck = true;
      return;
    }
    known.hasStarted = true;
    let hasEnded = false;
    const service = this.#runner.start(entry.name, () => {
      if (hasEnded) return;
      hasEnded = true;
      if (known.service === service) known.service = undefined;
      // The slot's pid is 0 now; the next scan starts it again if its directory is still there.
      // Not sooner than runit's: it notices a runsv's end at its next wake-up, 5 s apart when
      // idle, so a supervisor that cannot start (its lock held elsewhere) is retried every 5 s,
      // not every second (RSD-4 step 5, RSD-6; issue 14, fault 7).
      this.#wantRestart = true;
    });
    if (!hasEnded) known.service = service;
  }

  /** Beyond runit: fs.watch makes a new entry visible at once. */
  #ensureWatch(ino: number): void {
    if (!this.#wantWatch || ino === this.#watchedIno) return;
    this.#watcher?.close();
    this.#watcher = undefined;
    this.#watchedIno = ino;
    try {
      this.#watcher = watch(this.dir, { persistent: false }, () => {
        this.#wantWatchScan = true;
        if (!this.#busy) this.#schedule(0);
      });
      this.#watcher.on('error', () => {
        this.#watcher?.close();
        this.#watcher = undefined;
        this.#watchedIno = -1;
      });
    } catch {
      this.#watchedIno = -1;
    }
  }
}
