/**
 * run(): the daemon's life. A configure function makes each generation's servers; the first is
 * started and announced ready; `reload()` (SIGHUP, runit's `sv hup`) configures the next one,
 * starts it on the same listening sockets and retires the previous one gracefully, in the same
 * process; `exit()` (SIGTERM, SIGINT) stops accepting, drains, cleans up and resolves `exited`,
 * closing what is left once the time-out passes. A configure that throws keeps the serving
 * generation and reports the error; `replace()` (SIGUSR2) hands over to a new process of the
 * program (replace.ts). The helper never exits the process itself.
 */
import { RunitError } from '../errors.js';
import { FdStore } from './fd-store.js';
import { Generation, type RetireResult } from './generation.js';
import { forgetPassedFds, passedFds } from './listen-fds.js';
import { Listeners } from './listeners.js';
import { createDaemonLogger, type DaemonLogger } from './logger.js';
import type { ExitResult, RunOptions } from './options.js';
import { Notifier } from './notify.js';
import { handoverRefusal, startSuccessor, type ReplaceOptions } from './replace.js';

export type { ExitResult, GenerationContext, RunOptions } from './options.js';

const DEFAULT_SHUTDOWN_TIMEOUT = 10_000;

export class Daemon {
  readonly logger: DaemonLogger;
  readonly notifier: Notifier;
  readonly listeners: Listeners;
  /** Descriptors parked with the supervisor, and those it passed back (FDSTORE=1). */
  readonly fdStore: FdStore;
  /** Resolves once exit() has finished. */
  readonly exited: Promise<ExitResult>;
  readonly #options: RunOptions;
  readonly #timeout: number;
  #current: Generation | undefined;
  #number = 0;
  readonly #retiring = new Set<Promise<RetireResult>>();
  #queue: Promise<unknown> = Promise.resolve();
  #exit: Promise<ExitResult> | undefined;
  #resolveExited!: (result: ExitResult) => void;
  readonly #signalHandlers: [NodeJS.Signals, () => void][] = [];
  readonly #env: NodeJS.ProcessEnv;
  /** The pid a replacement handed over to: the supervisor watches it, this one only drains. */
  #successor: number | undefined;

  /** Use run(). */
  constructor(options: RunOptions) {
    this.#options = options;
    this.#timeout = options.shutdownTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT;
    const env = options.env ?? process.env;
    this.#env = env;
    this.logger = options.logger ?? createDaemonLogger({ env });
    this.notifier = options.notifier ?? new Notifier({ env });
    this.listeners = new Listeners(passedFds(env));
    this.fdStore = new FdStore(this.notifier, this.listeners.others);
    forgetPassedFds(env);
    this.exited = new Promise((resolve) => (this.#resolveExited = resolve));
  }

  /** The generation serving now (0 before the first). */
  get generation(): number {
    return this.#current?.number ?? 0;
  }

  get isExiting(): boolean {
    return this.#exit !== undefined;
  }

  /** Configures and starts the first generation; throws (and closes the sockets) when it fails. */
  async start(): Promise<void> {
    try {
      await this.#startNext();
    } catch (error) {
      this.listeners.close();
      this.notifier.close();
      throw error;
    }
    if (this.#options.handleSignals !== false) {
      this.#on('SIGHUP', () => void this.reload().catch(() => undefined));
      this.#on('SIGUSR2', () => void this.replace().catch((error: unknown) => this.logger.error({ err: error }, 'replace failed')));
      this.#on('SIGTERM', () => void this.exit());
      this.#on('SIGINT', () => void this.exit());
    }
    await this.#announceReady();
  }

  /**
   * Configures the next generation and swaps it in. Resolves true once it serves, false when
   * configure or a server's start failed (the old generation keeps serving; the error is logged).
   */
  reload(): Promise<boolean> {
    return this.#serially(() => this.#reload());
  }

  /** One at a time: a SIGHUP during a reload reloads again once it is done. */
  #serially<T>(work: () => Promise<T>): Promise<T> {
    if (this.#exit !== undefined) return Promise.reject(new RunitError('ERR_NOT_RUNNING', 'the daemon is exiting'));
    const next = this.#queue.then(work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #reload(): Promise<boolean> {
    if (this.#exit !== undefined) return false;
    const previous = this.#current;
    this.notifier.reloading(`reloading, generation ${this.#number + 1}`);
    this.logger.info({ generation: this.#number + 1 }, 'reloading');
    if (this.#options.isSyncReload && previous !== undefined) {
      await this.#retire(previous);
      this.#current = undefined;
    }
    try {
      await this.#startNext();
    } catch (error) {
      this.logger.error({ err: error, generation: this.#number }, 'reload failed, the serving generation stays');
      if (this.#current === undefined) {
        // Sync reload: nothing serves any more; an exit is the only honest answer.
        void this.exit();
        return false;
      }
      this.notifier.ready({ STATUS: `reload failed: ${error instanceof Error ? error.message : String(error)}` });
      return false;
    }
    if (previous !== undefined && previous !== this.#current && !this.#options.isSyncReload) void this.#retire(previous);
    await this.#announceReady();
    return true;
  }

  /**
   * Starts a new process of the program (by default this one again, as it is on disk now) on the
   * same listening sockets, and once it serves, names it to the supervisor (`MAINPID=`) and
   * exits gracefully (replace.ts). Rejects with ERR_NO_HANDOVER where the supervisor cannot
   * follow a new pid (real runit, s6, no NOTIFY_SOCKET) or the new process fails; this one then
   * goes on serving.
   */
  replace(options: ReplaceOptions = {}): Promise<{ pid: number }> {
    const refusal = options.isMainPidFollowed ? undefined : handoverRefusal(this.#env);
    if (refusal !== undefined) return Promise.reject(new RunitError('ERR_NO_HANDOVER', `cannot replace the process: ${refusal}`));
    return this.#serially(() => this.#replace(options));
  }

  async #replace(options: ReplaceOptions): Promise<{ pid: number }> {
    if (this.#exit !== undefined) throw new RunitError('ERR_NOT_RUNNING', 'the daemon is exiting');
    this.logger.notice({ generation: this.generation }, 'starting a new process to hand over to');
    this.notifier.status(`starting a new process, generation ${this.generation} serving`);
    const { pid, child } = await startSuccessor(this.listeners.taken, options, () => this.#exit !== undefined);
    try {
      this.notifier.send({ MAINPID: pid, READY: 1, STATUS: `handed over to pid ${pid}` });
    } catch (error) {
      // Nobody was told: two processes would serve and the supervisor would know one.
      child.kill('SIGTERM');
      throw new RunitError('ERR_NO_HANDOVER', 'the supervisor could not be told the new main pid; the new process was stopped', { cause: error });
    }
    this.#successor = pid;
    this.logger.notice({ successor: pid }, 'handed over, draining');
    void this.exit();
    return { pid };
  }

  async #startNext(): Promise<void> {
    const number = this.#number + 1;
    const spec = await this.#options.configure({
      generation: number,
      listen: (listenSpec) => this.listeners.get(listenSpec),
      fdStore: this.fdStore,
      logger: this.logger,
    });
    const generation = new Generation(number, spec);
    await generation.start();
    this.#number = number;
    this.#current = generation;
    this.logger.notice({ generation: number, listeners: this.listeners.taken.map((listener) => listener.address) }, 'generation serving');
  }

  async #announceReady(): Promise<void> {
    const number = this.generation;
    try {
      await this.#options.onReady?.(number);
    } catch (error) {
      this.logger.error({ err: error, generation: number }, 'ready callback failed');
    }
    this.notifier.ready({ STATUS: this.#options.statusText?.(number) ?? `serving, generation ${number}` });
  }

  #retire(generation: Generation, timeout = this.#timeout): Promise<RetireResult> {
    const retiring = generation.retire(timeout).then((result) => {
      this.#retiring.delete(retiring);
      if (result.isForced) this.logger.warning({ generation: generation.number }, 'shutdown time-out: in-flight work closed');
      for (const error of result.errors) this.logger.error({ err: error, generation: generation.number }, 'shutdown failed');
      return result;
    });
    this.#retiring.add(retiring);
    return retiring;
  }

  /**
   * Stops the daemon: with `graceful` (the default) servers drain for up to `timeout` ms before
   * the rest is closed; without, everything is closed at once. Clean-ups run either way; the
   * listening sockets are closed last. Asked twice, the first exit is the answer.
   */
  exit(options: { graceful?: boolean; timeout?: number } = {}): Promise<ExitResult> {
    this.#exit ??= this.#exitNow(options.graceful === false ? 0 : (options.timeout ?? this.#timeout));
    return this.#exit;
  }

  async #exitNow(timeout: number): Promise<ExitResult> {
    for (const [signal, handler] of this.#signalHandlers) process.off(signal, handler);
    // After a handover the supervisor's main process is the successor: STOPPING=1 would be taken for its.
    if (this.#successor === undefined) this.notifier.stopping(`stopping, generation ${this.generation}`);
    this.logger.notice({ generation: this.generation, timeout }, 'exiting');
    await this.#queue;
    const current = this.#current;
    const pending = [...this.#retiring];
    const results = await Promise.all([...(current === undefined ? [] : [this.#retire(current, timeout)]), ...pending]);
    this.listeners.close();
    this.notifier.close();
    const result = { isForced: results.some((one) => one.isForced), errors: results.flatMap((one) => one.errors) };
    this.logger.notice({ isForced: result.isForced, errors: result.errors.length }, 'exited');
    this.#resolveExited(result);
    return result;
  }

  #on(signal: NodeJS.Signals, handler: () => void): void {
    process.on(signal, handler);
    this.#signalHandlers.push([signal, handler]);
  }
}

/** Starts a daemon: resolves once its first generation serves (READY=1 sent), rejects if it could not. */
export async function run(options: RunOptions): Promise<Daemon> {
  const daemon = new Daemon(options);
  await daemon.start();
  return daemon;
}
