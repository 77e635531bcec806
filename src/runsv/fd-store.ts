/**
 * `fdstore-max` (docs/extensions.md): systemd's fd store. A service parks descriptors with its
 * supervisor by sending `FDSTORE=1` (and `FDNAME=NAME`, default `stored`) with SCM_RIGHTS on
 * NOTIFY_SOCKET; they are passed back at each start of ./run after the `listen` sockets, named in
 * LISTEN_FDNAMES, and held until the supervisor ends. `FDSTOREREMOVE=1` + `FDNAME=` closes
 * every stored descriptor of that name. Beyond `fdstore-max` descriptors, the rest of a
 * message is refused (closed) with a warning, as systemd does; descriptors sent without
 * `FDSTORE=1` are closed too.
 */
import { fstatSync } from 'node:fs';
import { errorText } from '../errors.js';
import type { HeldStoredFd } from '../protocol/held-fds.js';
import { isValidFdName } from '../protocol/listen-spec.js';
import { close } from '../sys/index.js';
import type { Notice } from './notice.js';

/** systemd's name for a descriptor stored without FDNAME=. */
export const DEFAULT_FD_NAME = 'stored';

interface StoredFd {
  fd: number;
  name: string;
  type: HeldStoredFd['type'];
}

function typeOf(fd: number): HeldStoredFd['type'] {
  try {
    const stats = fstatSync(fd);
    if (stats.isSocket()) return 'socket';
    if (stats.isFile()) return 'file';
    if (stats.isFIFO()) return 'pipe';
    return stats.isDirectory() ? 'directory' : 'other';
  } catch {
    return 'other';
  }
}

const plural = (count: number): string => `${count} descriptor${count === 1 ? '' : 's'}`;

export class FdStore {
  readonly max: number;
  readonly #warn: (text: string) => void;
  readonly #onChange: () => void;
  readonly #stored: StoredFd[] = [];

  constructor(max: number, warn: (text: string) => void, onChange: () => void) {
    this.max = max;
    this.#warn = warn;
    this.#onChange = onChange;
  }

  get size(): number {
    return this.#stored.length;
  }

  /** One notify message: takes ownership of `fds`, keeping or closing each. */
  received(notice: Notice, fds: readonly number[]): void {
    if (notice.isFdStoreRemove) this.#remove(notice.fdName);
    if (fds.length === 0) return;
    const name = notice.fdName ?? DEFAULT_FD_NAME;
    if (!notice.isFdStore) return this.#refuse(fds, 'sent without FDSTORE=1');
    if (!isValidFdName(name)) return this.#refuse(fds, 'FDNAME= not a valid name');
    const room = Math.max(0, this.max - this.#stored.length);
    for (const fd of fds.slice(0, room)) this.#stored.push({ fd, name, type: typeOf(fd) });
    if (fds.length > room) this.#refuse(fds.slice(room), `fdstore-max ${this.max} reached`);
    if (room > 0) this.#onChange();
  }

  #remove(name: string | undefined): void {
    if (name === undefined) return this.#warn('fdstore: FDSTOREREMOVE=1 without FDNAME=, ignored');
    let removed = 0;
    for (let index = this.#stored.length - 1; index >= 0; index--) {
      if (this.#stored[index]!.name !== name) continue;
      this.#closeQuietly(this.#stored[index]!.fd);
      this.#stored.splice(index, 1);
      removed++;
    }
    if (removed > 0) this.#onChange();
  }

  #refuse(fds: readonly number[], why: string): void {
    for (const fd of fds) this.#closeQuietly(fd);
    this.#warn(`fdstore: ${why}, ${plural(fds.length)} refused`);
  }

  #closeQuietly(fd: number): void {
    try {
      close(fd);
    } catch (error) {
      this.#warn(`fdstore: unable to close descriptor: ${errorText(error)}`);
    }
  }

  /** What the next ./run gets, in the order stored. */
  passed(): { fds: number[]; names: string[] } {
    return { fds: this.#stored.map((entry) => entry.fd), names: this.#stored.map((entry) => entry.name) };
  }

  held(): HeldStoredFd[] {
    return this.#stored.map(({ name, type }) => ({ name, type }));
  }

  /** The supervisor ends: everything stored is closed. */
  close(): void {
    for (const { fd } of this.#stored.splice(0)) this.#closeQuietly(fd);
  }
}
