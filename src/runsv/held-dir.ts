/**
 * A Supervisor's own directory, held open. runit's runsv chdirs into its service directory, so
 * everything it does follows that directory even after the path comes to name another one (a
 * service directory replaced, renamed or deleted under a running tree). Many Supervisors share
 * one process and one cwd here, so each holds a directory descriptor instead and reaches its
 * files through `/proc/self/fd/N`, which the kernel resolves to the directory itself, never to
 * whatever the path names now. Children get the same path as cwd: libuv's chdir runs in the
 * child before exec, while the descriptor is still open there.
 */
import { closeSync, constants, openSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fsPath } from '../sys/byte-names.js';

// libuv opens every file close-on-exec: children never inherit the descriptor past their exec.
const DIRECTORY_OPEN = constants.O_RDONLY | constants.O_DIRECTORY;

export interface HeldDir {
  /** The path to use for everything inside the directory from now on. */
  readonly root: string;
  /** Gives the descriptor back; the path is not to be used afterwards. */
  release(): void;
}

/**
 * Opens `path` as a directory; throws the open error (ENOENT, ENOTDIR, EACCES...). The held path
 * is ASCII whatever bytes the name has (sys/byte-names.ts). Without a mounted /proc the absolute
 * path itself is used, as before: nothing better exists without *at() calls.
 */
export function holdDir(path: string): HeldDir {
  const fd = openSync(fsPath(path), DIRECTORY_OPEN);
  const root = `/proc/self/fd/${fd}`;
  try {
    if (statSync(root).isDirectory()) return new OpenDir(root, fd);
  } catch {
    // no /proc here: fall back to the path
  }
  closeSync(fd);
  return { root: resolve(path), release: () => {} };
}

class OpenDir implements HeldDir {
  readonly root: string;
  #fd: number | undefined;

  constructor(root: string, fd: number) {
    this.root = root;
    this.#fd = fd;
  }

  release(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}
