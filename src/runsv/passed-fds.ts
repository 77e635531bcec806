/**
 * The descriptors a supervisor passes to each start of ./run beyond stdio (docs/extensions.md):
 * the `listen` sockets from fd 3, then the `fdstore-max` store, with systemd's LISTEN_FDS and
 * LISTEN_FDNAMES; and what it holds, published in `supervise/fds` whenever that changes.
 */
import type { Clock } from '../clock.js';
import { formatHeldFds } from '../protocol/held-fds.js';
import { FdStore } from './fd-store.js';
import { ListenSockets } from './listen-sockets.js';

export interface PassedFdsOptions {
  root: string;
  /** The service's name: LISTEN_FDNAMES of a `listen` line without `name=`. */
  name: string;
  clock: Clock;
  warn: (text: string) => void;
  hasListen: boolean;
  fdstoreMax: number;
  /** Writes `supervise/fds` (undefined: removes it). */
  publish: (text: string | undefined) => void;
}

export class PassedFds {
  readonly listen: ListenSockets | undefined;
  readonly store: FdStore | undefined;
  readonly #publish: (text: string | undefined) => void;

  constructor(options: PassedFdsOptions) {
    this.#publish = options.publish;
    const changed = (): void => this.publish();
    this.listen = options.hasListen ? new ListenSockets(options.root, options.name, options.clock, options.warn, changed) : undefined;
    this.store = options.fdstoreMax > 0 ? new FdStore(options.fdstoreMax, options.warn, changed) : undefined;
  }

  /** Whether ./run may start: every `listen` socket is bound (else retried, then `recheck`). */
  mayStart(recheck: () => void): boolean {
    return this.listen?.mayStart(recheck) ?? true;
  }

  /** Descriptors for fd 3.. of the next ./run, and their names. */
  forStart(): { fds: number[]; names: string[] } {
    const listen = this.listen?.passed() ?? { fds: [], names: [] };
    const stored = this.store?.passed() ?? { fds: [], names: [] };
    return { fds: [...listen.fds, ...stored.fds], names: [...listen.names, ...stored.names] };
  }

  /** How many descriptors are held (an in-process host counts them). */
  get count(): number {
    return this.forStart().fds.length;
  }

  publish(): void {
    const listen = this.listen?.held() ?? [];
    const stored = this.store?.held() ?? [];
    this.#publish(formatHeldFds({ listen, stored, fdstoreMax: this.store?.max ?? 0 }));
  }

  /** The supervisor ends: everything held is closed and `supervise/fds` removed. */
  close(): void {
    this.listen?.close();
    this.store?.close();
    this.#publish(undefined);
  }
}
