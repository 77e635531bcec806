/**
 * Client: control and status of one supervised service, without running sv. Every failure is an
 * OpError {op, service, cause} whose `code` is the cause's stable code.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { OpError, RunitError } from '../errors.js';
import { sendControl, type RetryOptions } from './control.js';
import { FLAVOURS, type Flavour, type Operation } from './flavours.js';
import { StatusReader, type ServiceState, type Status } from './status.js';
import { SuperviseDir } from './supervise-dir.js';
import { watchStatus } from './watch.js';

export interface ClientOptions {
  /** Which supervisor owns the directory (default 'runit'). */
  flavour?: Flavour;
  /** Backoff for a control FIFO that is not ready yet. */
  retry?: RetryOptions;
  /** Debounce of watch() and waitFor() in ms (default 25). */
  watchDebounce?: number;
}

export interface WaitOptions {
  signal?: AbortSignal;
}

export type StatusPredicate = (status: Status) => boolean;

export class Client {
  readonly serviceDir: string;
  readonly flavour: Flavour;
  private readonly retry: RetryOptions;
  private readonly debounce: number;
  private readonly reader: StatusReader;
  private readonly supervise: SuperviseDir;

  constructor(serviceDir: string, options: ClientOptions = {}) {
    this.serviceDir = serviceDir.length > 1 ? serviceDir.replace(/\/+$/, '') : serviceDir;
    this.flavour = options.flavour ?? 'runit';
    this.retry = options.retry ?? {};
    this.debounce = options.watchDebounce ?? 25;
    this.reader = new StatusReader(this.flavour);
    this.supervise = new SuperviseDir(this.serviceDir);
  }

  up(): Promise<void> { return this.control('up'); }
  down(): Promise<void> { return this.control('down'); }
  once(): Promise<void> { return this.control('once'); }
  pause(): Promise<void> { return this.control('pause'); }
  cont(): Promise<void> { return this.control('cont'); }
  hup(): Promise<void> { return this.control('hup'); }
  alarm(): Promise<void> { return this.control('alarm'); }
  interrupt(): Promise<void> { return this.control('interrupt'); }
  quit(): Promise<void> { return this.control('quit'); }
  usr1(): Promise<void> { return this.control('usr1'); }
  usr2(): Promise<void> { return this.control('usr2'); }
  term(): Promise<void> { return this.control('term'); }
  kill(): Promise<void> { return this.control('kill'); }
  /** Stops the service and makes its supervisor exit (runit `x`; s6 `dx`). */
  exit(): Promise<void> { return this.control('exit'); }

  /** Whether this flavour's supervisor understands `op` (daemontools has no quit/usr1/usr2). */
  supports(op: Operation): boolean {
    return FLAVOURS[this.flavour].controlBytes[op] !== undefined;
  }

  /** Sends the control byte(s) of `op`: one non-blocking write, retried while the FIFO is not ready. */
  async control(op: Operation, signal?: AbortSignal): Promise<void> {
    const bytes = FLAVOURS[this.flavour].controlBytes[op];
    if (bytes === undefined) {
      throw new OpError(op, this.serviceDir, new RunitError('ERR_UNSUPPORTED', `${this.flavour} has no ${op} command`));
    }
    try {
      await sendControl(this.serviceDir, bytes, this.retry, signal);
    } catch (error) {
      throw new OpError(op, this.serviceDir, error);
    }
  }

  /** Reads the status (and the log service's, when `log/` exists). Throws if no supervisor runs. */
  async status(): Promise<Status> {
    try {
      return this.reader.read(this.supervise);
    } catch (error) {
      throw new OpError('status', this.serviceDir, error);
    }
  }

  /** Status changes as they happen (see watch.ts); end with `break` or an AbortSignal. */
  watch(options: { signal?: AbortSignal; initial?: boolean } = {}): AsyncGenerator<Status, void, undefined> {
    return watchStatus(this.serviceDir, { ...options, flavour: this.flavour, debounce: this.debounce });
  }

  /**
   * Resolves with the first status that satisfies `target` (a state name or a predicate). Waits
   * first for a supervisor to hold the directory (a service just enabled, or a runsvdir just
   * started, has none for a moment), then for the state. Rejects with OpError code ERR_TIMEOUT
   * after `timeout` ms in all (its `status` property holds the last status seen, if any).
   */
  async waitFor(target: ServiceState | StatusPredicate, timeout: number, options: WaitOptions = {}): Promise<Status> {
    const accept: StatusPredicate = typeof target === 'function' ? target : (status) => status.state === target;
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    options.signal?.addEventListener('abort', onAbort);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeout);
    let last: Status | undefined;
    let unsupervised: RunitError | undefined;
    try {
      unsupervised = await this.untilSupervised(controller.signal);
      if (unsupervised === undefined) {
        for await (const status of this.watch({ signal: controller.signal })) {
          last = status;
          if (accept(status)) return status;
        }
      }
    } catch (error) {
      throw new OpError('wait', this.serviceDir, error);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
    const what = unsupervised === undefined ? 'condition not met' : 'no supervisor';
    const why = timedOut
      ? new RunitError('ERR_TIMEOUT', `${what} within ${timeout} ms`, { cause: unsupervised })
      : new RunitError('ERR_ABORTED', 'wait aborted', { cause: unsupervised });
    throw Object.assign(new OpError('wait', this.serviceDir, why), { status: last });
  }

  /**
   * Polls until a supervisor holds the directory and has written its record (opening a FIFO is
   * no file-system event, so there is nothing to watch). Resolves undefined then, or with the
   * last refusal when `signal` aborts first; other errors are thrown.
   */
  private async untilSupervised(signal: AbortSignal): Promise<RunitError | undefined> {
    let delay = 5;
    for (;;) {
      try {
        this.reader.readRecord(this.supervise);
        return undefined;
      } catch (error) {
        const isWaiting = error instanceof RunitError && (error.code === 'ERR_NOT_SUPERVISED' || error.code === 'ERR_RUNSV_NOT_RUNNING');
        if (!isWaiting) throw error;
        if (signal.aborted) return error;
      }
      await sleep(delay, undefined, { signal }).catch(() => undefined);
      delay = Math.min(100, delay * 2);
    }
  }
}
