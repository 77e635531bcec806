/**
 * The figures a Supervisor keeps about its service's runs (protocol/run-stats.ts): told when
 * `./run` starts and when it ends, it updates them and has them written to `supervise/stats`
 * before the status record that shows the change, so a reader woken by the record reads figures
 * at least as new. What survives a supervisor restart is read back from the file it finds.
 */
import type { Clock } from '../clock.js';
import { wallMillis } from '../clock.js';
import { emptyRunStats, formatRunStatsRecord, parseRunStats, SHORT_RUN_MILLIS, type RunStats } from '../protocol/run-stats.js';
import type { ChildExit } from './record.js';

export class RunStatsKeeper {
  readonly #stats: RunStats;
  readonly #clock: Clock;
  readonly #write: (text: string) => void;
  /** Monotonic ms when the current run started; undefined before the first start. */
  #runStart: number | undefined;
  /** Changes with every record written, so a reader can tell a whole record from a torn one. */
  #sequence = 0;

  /**
   * `previous` is the text of the file an earlier supervisor left: its total starts, last exit
   * and short-run streak carry over; `restarts` counts this supervisor's own from zero.
   */
  constructor(clock: Clock, previous: string | undefined, write: (text: string) => void) {
    this.#clock = clock;
    this.#write = write;
    this.#stats = emptyRunStats(wallMillis(clock));
    const earlier = previous === undefined ? undefined : parseRunStats(previous);
    if (earlier !== undefined) {
      this.#stats.totalStarts = earlier.totalStarts;
      this.#stats.lastExit = earlier.lastExit;
      this.#stats.shortRuns = earlier.shortRuns;
    }
  }

  get stats(): Readonly<RunStats> {
    return this.#stats;
  }

  publish(): void {
    this.#sequence++;
    this.#write(formatRunStatsRecord(this.#stats, this.#sequence));
  }

  /** `./run` was started as `pid` (<= 0: it failed to exec, which runit counts as a run that exits 111). */
  started(pid: number): void {
    this.#stats.pid = pid > 0 ? pid : 0;
    if (this.#runStart !== undefined) this.#stats.restarts++;
    this.#stats.totalStarts++;
    this.#runStart = this.#clock.monotonicMillis();
    this.publish();
  }

  /** `./run` ended; `isRequested`: it was asked to stop (sv down, term, exit), so it is no crash. */
  exited(exit: ChildExit, isRequested: boolean): void {
    const now = this.#clock.monotonicMillis();
    const runMillis = this.#runStart === undefined ? 0 : Math.max(0, Math.round(now - this.#runStart));
    this.#stats.pid = 0;
    this.#stats.lastExit = { code: exit.code, signal: exit.signal, at: Math.floor(wallMillis(this.#clock)), runMillis };
    this.#stats.shortRuns = !isRequested && runMillis < SHORT_RUN_MILLIS ? this.#stats.shortRuns + 1 : 0;
    this.publish();
  }
}
