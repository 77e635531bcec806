/**
 * Process file descriptors (Linux 5.3+): a handle on one process that need not be our child.
 * It stays bound to that process even once its pid is reused, so a signal sent through it can
 * never reach another process, and it turns readable when the process exits. A supervisor that
 * takes over a service left running by a previous one (runsv/adopt.ts) watches it this way.
 */
import { SysError } from '../errors.js';
import { c, lastErrno } from './libc.js';

/** The same numbers on x86-64 and arm64 (the shared table of syscalls added since Linux 5.1). */
const SYS_PIDFD_SEND_SIGNAL = 424;
const SYS_PIDFD_OPEN = 434;
const ENOSYS = 38;
const POLLIN = 1;
const POLLFD_SIZE = 8;

const isSupportedArch = process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64');

/** pidfd_open(2), close-on-exec; ESRCH once the process is gone, ENOSYS on an older kernel. */
export function pidfdOpen(pid: number): number {
  if (!isSupportedArch) throw new SysError('pidfd_open', ENOSYS);
  const fd = Number(c.syscall(SYS_PIDFD_OPEN, 'int', pid, 'unsigned int', 0));
  if (fd === -1) throw new SysError('pidfd_open', lastErrno());
  return fd;
}

/** pidfd_send_signal(2): ESRCH once the process has exited, never another process. */
export function pidfdSendSignal(fd: number, signal: number): void {
  const result = Number(c.syscall(SYS_PIDFD_SEND_SIGNAL, 'int', fd, 'int', signal, 'void *', null, 'unsigned int', 0));
  if (result === -1) throw new SysError('pidfd_send_signal', lastErrno());
}

/**
 * Which of `fds` are readable now (poll(2) with no wait): for a pidfd, whether its process has
 * exited. One call for any number of descriptors.
 */
export function readableNow(fds: readonly number[]): boolean[] {
  if (fds.length === 0) return [];
  const table = new Uint8Array(fds.length * POLLFD_SIZE);
  const view = new DataView(table.buffer);
  fds.forEach((fd, index) => {
    view.setInt32(index * POLLFD_SIZE, fd, true);
    view.setInt16(index * POLLFD_SIZE + 4, POLLIN, true);
  });
  if ((c.poll(table, fds.length, 0) as number) === -1) throw new SysError('poll', lastErrno());
  // Any revents counts: POLLIN at exit, POLLHUP/POLLERR/POLLNVAL where the descriptor is no use.
  return fds.map((_, index) => view.getInt16(index * POLLFD_SIZE + 6, true) !== 0);
}
