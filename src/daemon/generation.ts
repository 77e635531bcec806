/**
 * One generation: the servers a configure call returned and the clean-ups to run once they have
 * stopped. It starts all of its servers or none (a server that fails to start stops the others),
 * and retires gracefully: stop accepting, let in-flight work finish, and close what is left when
 * the time-out passes; then the clean-ups run, in order, each error collected.
 */
import type { Served } from './servers.js';

export type Cleanup = () => void | Promise<void>;

/** What a configure function returns for one generation. */
export interface GenerationSpec {
  servers: readonly Served[];
  /** Run after every server of the generation has stopped (close files, flush, disconnect). */
  cleanups?: readonly Cleanup[];
}

export interface RetireResult {
  /** The time-out passed and what was still in flight was closed. */
  isForced: boolean;
  /** Errors of servers' shut-downs and of clean-ups. */
  errors: unknown[];
}

export class Generation {
  readonly number: number;
  readonly #spec: GenerationSpec;
  #retiring: Promise<RetireResult> | undefined;

  constructor(number: number, spec: GenerationSpec) {
    this.number = number;
    this.#spec = spec;
  }

  /** Starts every server; if one fails, the started ones are closed and the error thrown. */
  async start(): Promise<void> {
    const results = await Promise.allSettled(this.#spec.servers.map((server) => server.start()));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed === undefined) return;
    await this.retire(0);
    throw failed.reason;
  }

  /**
   * Stops the servers: gracefully for up to `timeoutMillis` (0: close at once), then the
   * clean-ups. Asked twice, the first retirement is the answer.
   */
  retire(timeoutMillis: number): Promise<RetireResult> {
    this.#retiring ??= this.#retire(timeoutMillis);
    return this.#retiring;
  }

  /** Cuts a graceful retirement short: close whatever is still in flight now. */
  closeNow(): void {
    for (const server of this.#spec.servers) server.close();
  }

  async #retire(timeoutMillis: number): Promise<RetireResult> {
    const errors: unknown[] = [];
    const shutdowns = Promise.allSettled(this.#spec.servers.map((server) => server.shutdown()));
    let isForced = false;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        isForced = true;
        this.closeNow();
        resolve();
      }, timeoutMillis);
    });
    if (timeoutMillis === 0) this.closeNow();
    const results = await Promise.race([shutdowns, deadline.then(() => shutdowns)]);
    clearTimeout(timer);
    for (const result of results) if (result.status === 'rejected') errors.push(result.reason);
    for (const cleanup of this.#spec.cleanups ?? []) {
      try {
        await cleanup();
      } catch (error) {
        errors.push(error);
      }
    }
    return { isForced, errors };
  }
}
