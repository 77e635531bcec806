/**
 * systemd's fd store, as our supervisor's `fdstore-max` file and systemd's FileDescriptorStoreMax=
 * offer it: descriptors parked with the supervisor (`FDSTORE=1` + `FDNAME=` over NOTIFY_SOCKET,
 * the descriptors attached with SCM_RIGHTS) come back to the next instance in LISTEN_FDS under
 * their name, so a connection or a file outlives a restart of the process.
 */
import { isValidFdName } from '../protocol/listen-spec.js';
import { close } from '../sys/index.js';
import type { PassedFd } from './listen-fds.js';
import type { Notifier } from './notify.js';

export class FdStore {
  readonly #notifier: Notifier;
  readonly #passed: PassedFd[];

  /** `passed`: what LISTEN_FDS held that is not a listener (Listeners.others). */
  constructor(notifier: Notifier, passed: PassedFd[]) {
    this.#notifier = notifier;
    this.#passed = passed;
  }

  /**
   * Parks `fds` under `name` (the supervisor keeps its own copies; these stay open here too).
   * False when there is no NOTIFY_SOCKET to send them to.
   */
  store(name: string, fds: readonly number[]): boolean {
    if (!isValidFdName(name)) throw new RangeError(`not an fd store name: ${name}`);
    return this.#notifier.send({ FDSTORE: 1, FDNAME: name }, fds);
  }

  /** Asks the supervisor to close and forget every descriptor stored under `name`. */
  remove(name: string): boolean {
    return this.#notifier.send({ FDSTOREREMOVE: 1, FDNAME: name });
  }

  /** The descriptors passed back under `name` (now the caller's to close); each is given once. */
  take(name: string): number[] {
    const taken = this.#passed.filter((entry) => entry.name === name);
    for (const entry of taken) this.#passed.splice(this.#passed.indexOf(entry), 1);
    return taken.map((entry) => entry.fd);
  }

  /** Names of the descriptors passed back and not yet taken. */
  get names(): string[] {
    return [...new Set(this.#passed.map((entry) => entry.name))];
  }

  /** Closes what was passed back and never taken. */
  closeUntaken(): void {
    for (const { fd } of this.#passed.splice(0)) {
      try {
        close(fd);
      } catch {
        // EBADF: the program closed it
      }
    }
  }
}
