/**
 * A supervised service tree: the scanner plus one service runner, and the orderly shutdown both runsvdir
 * (--in-process) and the runit init use. Lives here so runit/ reaches it through
 * runsvdir/index.ts without importing runsvdir's cli.
 */
import { systemClock, type Clock } from '../clock.js';
import { InProcessSupervisors, type StartSupervisor } from './in-process-supervisors.js';
import { RunsvProcesses } from './runsv-processes.js';
import { Scanner, type RunningService, type ServiceRunner } from './scanner.js';

export interface TreeOptions {
  /** Host every Supervisor in this process (needs `startSupervisor`); else one runsv per service. */
  startSupervisor?: StartSupervisor | undefined;
  /** `-P` for runsv processes. */
  isNewSession?: boolean;
  /** A warning's text after `runsvdir DIR: warning: `. */
  warn?: (text: string) => void;
  /** A fatal line's text after `runsvdir DIR: fatal: ` (a runsv that could not be started). */
  fatal?: (text: string) => void;
  /** In-process Supervisors' diagnostic lines, one finished line a call. */
  writeDiagnostic: (line: string) => void;
  /** See InProcessSupervisorsOptions.isLogInline. */
  isLogInline?: boolean;
  /** fs.watch for instant pick-up (default on). */
  watch?: boolean;
  /** The program started per service in process mode (default `runsv` through PATH). */
  program?: string;
  /** See ScannerOptions.onChecked. */
  onChecked?: () => void;
  /** The scanner's and the shutdown's time (tests pass a fake). */
  clock?: Clock;
}

/** After the KILL at the grace period: how long the supervisors get to end their exit sequence. */
export const KILL_SETTLE_MS = 1000;
const KILL_REPEAT_MS = 100;

export interface ShutdownResult {
  /** Services still running at the grace period, then KILLed. */
  killed: string[];
}

export class ServiceTree {
  readonly scanner: Scanner;
  readonly runner: ServiceRunner & { running(): RunningService[] };
  readonly isInProcess: boolean;
  readonly #clock: Clock;

  constructor(dir: string, options: TreeOptions) {
    const warn = options.warn ?? (() => {});
    this.#clock = options.clock ?? systemClock;
    this.isInProcess = options.startSupervisor !== undefined;
    if (options.startSupervisor !== undefined) {
      this.runner = new InProcessSupervisors(dir, options.startSupervisor, {
        warn,
        writeDiagnostic: options.writeDiagnostic,
        ...(options.isLogInline === undefined ? {} : { isLogInline: options.isLogInline }),
      });
    } else {
      const runnerOptions: ConstructorParameters<typeof RunsvProcesses>[1] = {
        isNewSession: options.isNewSession === true,
      };
      if (options.fatal !== undefined) runnerOptions.fatal = options.fatal;
      if (options.program !== undefined) runnerOptions.program = options.program;
      this.runner = new RunsvProcesses(dir, runnerOptions);
    }
    const scannerOptions: ConstructorParameters<typeof Scanner>[2] = {
      warn,
      watch: options.watch ?? true,
      clock: this.#clock,
    };
    if (options.onChecked !== undefined) scannerOptions.onChecked = options.onChecked;
    this.scanner = new Scanner(dir, this.runner, scannerOptions);
  }

  start(): void {
    this.scanner.start();
  }

  /** runsvdir's HUP (RSD-7): stop looking, SIGTERM every supervisor, do not wait. */
  hangup(): void {
    this.scanner.close();
    for (const service of this.runner.running()) service.stop();
  }

  /**
   * Orderly stop: no more scans; every supervisor gets runsv's TERM (the service is sent TERM
   * and CONT, its finish runs, then its log service sees end-of-file and writes its last lines);
   * whatever is still running after `graceMs` is KILLed, and KILLed again for up to `settleMs`
   * while the supervisors end: a KILLed service's supervisor starts its finish next, which may
   * hang as well, and must not hold the stop past the grace period (issue 14, fault 6).
   */
  async shutdown(graceMs: number, settleMs = KILL_SETTLE_MS): Promise<ShutdownResult> {
    this.scanner.close();
    const running = this.runner.running();
    for (const service of running) service.stop();
    let isAllEnded = false;
    const allEnded = Promise.all(running.map((service) => service.ended)).then(() => (isAllEnded = true));
    const killed: string[] = [];
    if (await settleWithin(this.#clock, allEnded, graceMs)) return { killed };
    for (const service of this.runner.running()) killed.push(service.name);
    const settleDeadline = this.#clock.monotonicMillis() + settleMs;
    while (!isAllEnded) {
      for (const service of this.runner.running()) service.kill();
      const left = settleDeadline - this.#clock.monotonicMillis();
      if (left <= 0) break;
      await settleWithin(this.#clock, allEnded, Math.min(KILL_REPEAT_MS, left));
    }
    return { killed };
  }
}

async function settleWithin(clock: Clock, promise: Promise<unknown>, millis: number): Promise<boolean> {
  let cancel: () => void = () => {};
  const timeout = new Promise<boolean>((resolve) => (cancel = clock.setTimer(millis, () => resolve(false))));
  const result = await Promise.race([promise.then(() => true), timeout]);
  cancel();
  return result;
}
