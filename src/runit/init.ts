/**
 * The init's stage sequence, as a library: stage 1 once, stage 2 (the service tree `dir`, run
 * in this process, or the stage-2 script) until a stop request, stage 3 on the way out, with the
 * stragglers stopped in between. The process itself (signals, subreaper, reaper, exit code) is
 * the CLI's: here a stop request is a promise, and the outcome is returned, not exited with.
 */
import { statSync } from 'node:fs';
import { sleep, systemClock, type Clock } from '../clock.js';
import { errorText } from '../errors.js';
import { holdYoungGeneration, loadStartSupervisor, ServiceTree } from '../runsvdir/index.js';
import { fsPath } from '../sys/byte-names.js';
import { stopTreeOrphans } from './orphans.js';
import { stopDescendants } from './shutdown.js';
import { hasStage, isStageOneFailed, isStageTwoRestarted, stagePath, startStage, type StageResult } from './stages.js';

export interface InitOptions {
  /** Where the stage scripts are; undefined runs none (stage-choice.ts decides). */
  stageDir: string | undefined;
  graceMillis: number;
  isInProcess: boolean;
  /** The tree to run for stage 2; undefined runs the stage-2 script. */
  serviceDir: string | undefined;
}

export interface InitIo {
  /** One whole line of the init's (or its runsvdir's) own, newline included. */
  writeLine: (line: string) => void;
  clock?: Clock;
  /** Stage 2's tree has been started (the cli drops start-up pages once it is quiet). */
  onTreeStarted?: () => void;
}

/** The first of TERM, INT or HUP: how the init is told to stop. */
export class StopRequest {
  signal: NodeJS.Signals | undefined;
  readonly requested: Promise<NodeJS.Signals>;
  #resolve: (signal: NodeJS.Signals) => void = () => {};

  constructor() {
    this.requested = new Promise((resolve) => (this.#resolve = resolve));
  }

  request(signal: NodeJS.Signals): void {
    this.signal ??= signal;
    this.#resolve(signal);
  }
}

/**
 * How far past the grace period the whole stop may run (docs/runit.md): the supervisors' exit
 * sequence after the KILL (1 s), stage 3 when it starts late, the reaping. 7 s + 2 s fits the
 * 10 s after which Docker KILLs the container.
 */
export const GRACE_MARGIN_MILLIS = 2000;
const STAGE_3_OVERRUN_MILLIS = GRACE_MARGIN_MILLIS - 500;

export type InitOutcome =
  /** Stage 2's service directory could not be opened: the init stops at once. */
  | { isFatal: true }
  | {
      isFatal: false;
      /** Stage 1 crashed or exited 100, or stage 3 exited non-zero. */
      isStageFailed: boolean;
      /** Processes that had to be KILLed at a grace period. */
      killed: number;
    };

export async function runInit(options: InitOptions, stop: StopRequest, io: InitIo): Promise<InitOutcome> {
  const init = new Init(options, stop, io);
  return init.run();
}

class Init {
  readonly #options: InitOptions;
  readonly #stop: StopRequest;
  readonly #writeLine: (line: string) => void;
  readonly #clock: Clock;
  readonly #onTreeStarted: () => void;
  /** Monotonic: the end of the grace period, fixed at the stop request. */
  #deadline: number | undefined;

  constructor(options: InitOptions, stop: StopRequest, io: InitIo) {
    this.#options = options;
    this.#stop = stop;
    this.#writeLine = io.writeLine;
    this.#clock = io.clock ?? systemClock;
    this.#onTreeStarted = io.onTreeStarted ?? (() => {});
    void stop.requested.then(() => this.#graceDeadline());
  }

  #say(text: string): void {
    this.#writeLine(`- runit: ${text}\n`);
  }

  #warn(text: string): void {
    this.#writeLine(`runit: warning: ${text}\n`);
  }

  async run(): Promise<InitOutcome> {
    let isStageFailed = false;
    let killed = 0;
    const stage1 = await this.#runOnceStage(this.#stagePath(1), this.#stop.requested, () => this.#graceDeadline());
    // A stage 1 that a stop request interrupted has not failed; stage 2 is skipped all the same.
    if (stage1 !== undefined && this.#stop.signal === undefined && isStageOneFailed(stage1.result)) isStageFailed = true;
    killed += stage1?.killed ?? 0;
    if (!isStageFailed && this.#stop.signal === undefined) {
      const result = await this.#runStageTwo();
      if (result === undefined) return { isFatal: true };
      killed += result;
    }
    // One deadline for the whole stop, from the stop request (or stage 2's own end): the
    // stragglers are not given a second grace period after the services' (issue 14, fault 6).
    const deadline = this.#graceDeadline();
    // A tree run in process is down by now: stop the stragglers before stage 3. A stage-2 script's services
    // are still up, and stage 3 is where runit expects them to be stopped (sv force-stop ...).
    const isTree = this.#options.serviceDir !== undefined;
    if (isTree) killed += this.#warnKilled(await stopDescendants(deadline, this.#clock));
    // Stage 3 may run into the margin, and no further: KILLed 1.5 s after the grace period at the latest.
    const stage3 = await this.#runOnceStage(this.#stagePath(3), undefined, () => deadline + STAGE_3_OVERRUN_MILLIS);
    if (stage3 !== undefined && stage3.result.code !== 0) isStageFailed = true;
    killed += stage3?.killed ?? 0;
    killed += this.#warnKilled(await stopDescendants(deadline, this.#clock));
    const signal = this.#stop.signal;
    this.#say(`exit: ${signal === undefined ? 'stage 2 ended' : `received ${signal}`}.`);
    return { isFatal: false, isStageFailed, killed };
  }

  /** When everything still running is KILLed: the grace period after the stop request. */
  #graceDeadline(): number {
    this.#deadline ??= this.#clock.monotonicMillis() + this.#options.graceMillis;
    return this.#deadline;
  }

  /** Names every process KILLed at the grace period (issue 14, fault 6); returns how many. */
  #warnKilled(names: readonly string[]): number {
    for (const name of names) this.#warn(`killed at the grace period: ${name}`);
    return names.length;
  }

  #stagePath(stage: 1 | 2 | 3): string | undefined {
    const dir = this.#options.stageDir;
    return dir === undefined ? undefined : stagePath(dir, stage);
  }

  /**
   * Runs a stage script to its end. Stages 1 and 2 are TERMed at the stop request and KILLed at
   * `killAt`; stage 3 has no TERM to wait for and is KILLed at `killAt` if it is still running.
   */
  async #runOnceStage(
    path: string | undefined,
    termOn: Promise<NodeJS.Signals> | undefined,
    killAt: () => number,
  ): Promise<{ result: StageResult; killed: number } | undefined> {
    if (path === undefined || !hasStage(path)) return undefined;
    this.#say(`enter stage: ${path}`);
    const stage = startStage(path);
    let killed = 0;
    let isDone = false;
    let cancelKill: () => void = () => {};
    const armKill = (): void => {
      cancelKill = this.#clock.setTimer(Math.max(0, killAt() - this.#clock.monotonicMillis()), () => {
        if (stage.child.exitCode === null && stage.child.signalCode === null) {
          killed = this.#warnKilled([path]);
          stage.child.kill('SIGKILL');
        }
      });
    };
    if (termOn === undefined) armKill();
    void termOn?.then(() => {
      if (isDone) return;
      stage.child.kill('SIGTERM');
      armKill();
    });
    const result = await stage.done;
    // The TERM and KILL are for this run of the stage only: once it has ended, nothing lingers.
    isDone = true;
    cancelKill();
    this.#say(`leave stage: ${path}`);
    return { result, killed };
  }

  /** Stage 2 until a stop request: returns how many services were KILLed, undefined if fatal. */
  async #runStageTwo(): Promise<number | undefined> {
    const dir = this.#options.serviceDir;
    if (dir === undefined) return this.#runStageTwoScript();
    try {
      if (!statSync(fsPath(dir)).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    } catch (error) {
      this.#writeLine(`runit: fatal: unable to open service directory ${dir}: ${errorText(error)}\n`);
      return undefined;
    }
    const startSupervisor = this.#options.isInProcess ? await loadStartSupervisor() : undefined;
    if (startSupervisor !== undefined) holdYoungGeneration();
    this.#say(`enter stage: 2 (${dir}${startSupervisor === undefined ? ', one runsv per service' : ''})`);
    const tree = new ServiceTree(dir, {
      startSupervisor,
      // As runit's own stage 2 (`runsvdir -P`): each runsv leads a session of its own, so a
      // terminal's INT or HUP reaches the init alone, which then stops the tree in order.
      isNewSession: startSupervisor === undefined,
      warn: (text) => this.#writeLine(`runsvdir ${dir}: warning: ${text}\n`),
      fatal: (text) => this.#writeLine(`runsvdir ${dir}: fatal: ${text}\n`),
      writeDiagnostic: this.#writeLine,
      clock: this.#clock,
    });
    tree.start();
    this.#onTreeStarted();
    const signal = await this.#stop.requested;
    this.#say(`received ${signal}: stopping services, grace period ${this.#options.graceMillis / 1000} s`);
    const remaining = (): number => Math.max(0, this.#graceDeadline() - this.#clock.monotonicMillis());
    const { killed } = await tree.shutdown(remaining());
    // What a killed supervisor left running has no supervisor to stop it: within the same deadline.
    const orphansKilled = await stopTreeOrphans(dir, remaining(), this.#clock, (text) => this.#warn(text));
    this.#say('leave stage: 2');
    return this.#warnKilled(killed) + orphansKilled;
  }

  /** runit's classic stage 2: the script, run again when it exits 111 or crashes. */
  async #runStageTwoScript(): Promise<number> {
    const path = this.#stagePath(2);
    if (path === undefined) return 0;
    for (;;) {
      const outcome = await this.#runOnceStage(path, this.#stop.requested, () => this.#graceDeadline());
      if (outcome === undefined) return 0;
      if (this.#stop.signal !== undefined || !isStageTwoRestarted(outcome.result)) return outcome.killed;
      await sleep(this.#clock, 1000);
      if (this.#stop.signal !== undefined) return 0;
    }
  }
}
