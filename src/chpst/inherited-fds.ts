/**
 * The descriptors chpst inherited, so the program inherits the same ones (GEN-7).
 *
 * Node calls libuv's uv_disable_stdio_inheritance() at start-up, which marks fds 0-15 (and open
 * ones after them up to the first gap) close-on-exec, inherited or not; Node's own descriptors
 * are close-on-exec too, so the flag no longer tells them apart. What does: Node's own are
 * anon inodes (epoll, eventfd) and pipes with both ends in this process. Read before -u (after a
 * uid change /proc/self/fd is no longer ours to read) and -/ (no /proc in the new root).
 */
import { readdirSync } from 'node:fs';
import { getStatusFlags, readlinkIfAny } from '../sys/index.js';

/** One open descriptor: its /proc/self/fd link target and, for a pipe, its access mode (0 read, 1 write). */
export interface OpenFd {
  fd: number;
  target: string;
  mode: number;
}

/** Every open descriptor from /proc/self/fd; undefined when it cannot be listed. */
export function listOpenFds(): OpenFd[] | undefined {
  const all: OpenFd[] = [];
  try {
    for (const name of readdirSync('/proc/self/fd')) {
      const fd = Number(name);
      // Always handed over, and never one end of Node's own pipes: no need to look.
      if (fd <= 2) {
        all.push({ fd, target: '', mode: 2 });
        continue;
      }
      const target = readlinkIfAny(`/proc/self/fd/${name}`);
      // No target: readdir's own descriptor, closed by now.
      if (target !== undefined) all.push({ fd, target, mode: target.startsWith('pipe:') ? getStatusFlags(fd) & 3 : 2 });
    }
  } catch {
    return undefined;
  }
  return all;
}

/** The inherited ones among `all` (0, 1 and 2 when the list is unknown). */
export function inheritedFds(all: readonly OpenFd[] | undefined): Set<number> {
  if (all === undefined) return new Set([0, 1, 2]);
  const isNodeOwn = ({ fd, target }: OpenFd): boolean => {
    if (fd <= 2) return false;
    if (target.startsWith('anon_inode:')) return true;
    const ends = all.filter((other) => other.target === target && other.fd > 2 && target.startsWith('pipe:'));
    return ends.some((end) => end.mode === 0) && ends.some((end) => end.mode === 1);
  };
  return new Set(all.filter((info) => !isNodeOwn(info)).map((info) => info.fd));
}
