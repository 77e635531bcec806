/**
 * Manager: one operation over many services, at most `concurrency` at a time, each bounded by
 * `timeout`. Failures are collected per service as OpErrors; successes are kept too, so a caller
 * learns exactly which services were handled (go-runit's MultiError loses them).
 */
import { markAsRunitError, OpError, RunitError, type RunitErrorCode } from '../errors.js';
import { Client, type ClientOptions } from './client.js';
import type { Operation } from './flavours.js';
import { dependencyLayers } from './dependency-order.js';
import type { ServiceState, Status } from './status.js';

export interface ManagerOptions extends ClientOptions {
  /** Operations in flight at once (default 8). */
  concurrency?: number;
  /** Per-operation limit in ms (default 10000). */
  timeout?: number;
}

/** Every service's outcome: results of those that succeeded, errors of those that failed. */
export interface Settled<T> {
  results: Map<string, T>;
  errors: OpError[];
}

/**
 * Thrown when at least one service failed (code ERR_MANAGER); `results` still holds the
 * successes. An AggregateError, and `instanceof RunitError` too.
 */
export class ManagerError<T = unknown> extends AggregateError {
  readonly code: RunitErrorCode = 'ERR_MANAGER';
  override readonly errors: OpError[];
  readonly results: Map<string, T>;
  constructor(settled: Settled<T>, op: string) {
    super(settled.errors, `${op}: ${settled.errors.length} of ${settled.errors.length + settled.results.size} services failed`);
    this.errors = settled.errors;
    this.results = settled.results;
    Object.defineProperty(this, 'name', { value: 'ManagerError', enumerable: false });
  }
}

markAsRunitError(ManagerError);

export class Manager {
  readonly concurrency: number;
  readonly timeout: number;
  private readonly clientOptions: ClientOptions;

  constructor(options: ManagerOptions = {}) {
    const { concurrency, timeout, ...clientOptions } = options;
    this.concurrency = Math.max(1, concurrency ?? 8);
    this.timeout = timeout ?? 10_000;
    this.clientOptions = clientOptions;
  }

  client(service: string): Client {
    return new Client(service, this.clientOptions);
  }

  /** Sends `op` to every service; resolves when all succeeded, else throws ManagerError. */
  async control(op: Operation, services: readonly string[]): Promise<Map<string, void>> {
    return this.orThrow(op, await this.settle(op, services, (client, signal) => client.control(op, signal)));
  }

  up(services: readonly string[]): Promise<Map<string, void>> { return this.control('up', services); }
  down(services: readonly string[]): Promise<Map<string, void>> { return this.control('down', services); }
  term(services: readonly string[]): Promise<Map<string, void>> { return this.control('term', services); }
  kill(services: readonly string[]): Promise<Map<string, void>> { return this.control('kill', services); }
  exit(services: readonly string[]): Promise<Map<string, void>> { return this.control('exit', services); }

  async status(services: readonly string[]): Promise<Map<string, Status>> {
    return this.orThrow('status', await this.settle('status', services, (client) => client.status()));
  }

  /** Waits until every service runs and is ready (docs/extensions.md; Client.waitReady). */
  async waitReady(services: readonly string[]): Promise<Map<string, Status>> {
    return this.orThrow(
      'wait',
      await this.settle('wait', services, (client, signal) => client.waitReady(this.timeout + 1000, { signal })),
    );
  }

  /**
   * Starts `services` in dependency order (their `dependencies.d/`): each layer is sent `up`
   * and waited for until ready before the next starts. A failure stops the later layers; the
   * ManagerError then holds the ready ones in `results`. A cycle throws ERR_INVALID at once.
   */
  async startInOrder(services: readonly string[]): Promise<Map<string, Status>> {
    const ready = new Map<string, Status>();
    for (const layer of dependencyLayers(services)) {
      const started = await this.settle('up', layer, (client, signal) => client.control('up', signal));
      const waited = await this.settle('wait', [...started.results.keys()], (client, signal) =>
        client.waitReady(this.timeout + 1000, { signal }),
      );
      for (const [service, status] of waited.results) ready.set(service, status);
      const errors = [...started.errors, ...waited.errors];
      if (errors.length > 0) throw new ManagerError({ results: ready, errors }, 'start');
    }
    return ready;
  }

  async waitFor(services: readonly string[], state: ServiceState): Promise<Map<string, Status>> {
    return this.orThrow(
      'wait',
      await this.settle('wait', services, (client, signal) => client.waitFor(state, this.timeout + 1000, { signal })),
    );
  }

  /**
   * Runs `work` for every service with the concurrency limit and per-operation timeout; never
   * throws: each outcome lands in `results` or `errors` (in service order).
   */
  async settle<T>(
    op: string,
    services: readonly string[],
    work: (client: Client, signal: AbortSignal) => Promise<T>,
  ): Promise<Settled<T>> {
    const outcomes = new Array<{ ok: true; value: T } | { ok: false; error: OpError }>(services.length);
    let nextIndex = 0;
    const worker = async (): Promise<void> => {
      while (nextIndex < services.length) {
        const index = nextIndex++;
        const service = services[index]!;
        try {
          outcomes[index] = { ok: true, value: await this.bounded(op, service, work) };
        } catch (error) {
          outcomes[index] = { ok: false, error: error instanceof OpError ? error : new OpError(op, service, error) };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, services.length) }, worker));
    const settled: Settled<T> = { results: new Map(), errors: [] };
    outcomes.forEach((outcome, index) => {
      if (outcome.ok) settled.results.set(services[index]!, outcome.value);
      else settled.errors.push(outcome.error);
    });
    return settled;
  }

  private async bounded<T>(
    op: string,
    service: string,
    work: (client: Client, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new OpError(op, service, new RunitError('ERR_TIMEOUT', `${service}: ${op} took over ${this.timeout} ms`)));
      }, this.timeout);
    });
    try {
      return await Promise.race([work(this.client(service), controller.signal), expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  private orThrow<T>(op: string, settled: Settled<T>): Map<string, T> {
    if (settled.errors.length > 0) throw new ManagerError(settled, op);
    return settled.results;
  }
}
