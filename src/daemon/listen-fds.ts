/**
 * sd_listen_fds(3): the descriptors a supervisor passed to this process, starting at fd 3, as
 * LISTEN_FDS (how many), LISTEN_PID (for whom: a variable inherited by a grandchild must not
 * count) and LISTEN_FDNAMES (colon-separated names). systemd, our supervisor's `listen` file and
 * a process being replaced (replace.ts) all pass them this way.
 */
import { setCloseOnExec } from '../sys/index.js';

/**
 * Set by a process that replaces itself (replace.ts) for its successor: the fd of a pipe on
 * which the successor's Notifier writes a newline once it serves, the handover's signal.
 */
export const HANDOVER_FD_VARIABLE = 'NODE_RUNIT_HANDOVER_FD';

/** The first passed descriptor (SD_LISTEN_FDS_START). */
export const LISTEN_FDS_START = 3;

export interface PassedFd {
  fd: number;
  /** From LISTEN_FDNAMES; systemd's `unknown` when there is none. */
  name: string;
}

/**
 * The descriptors passed to this process; none when LISTEN_PID names another process. Each is
 * made close-on-exec, as sd_listen_fds does, so a program this one starts does not hold it.
 */
export function passedFds(env: NodeJS.ProcessEnv = process.env, pid = process.pid): PassedFd[] {
  const count = env['LISTEN_FDS'];
  if (count === undefined || !/^[1-9][0-9]{0,3}$/.test(count)) return [];
  const listenPid = env['LISTEN_PID'];
  if (listenPid !== undefined && listenPid !== String(pid)) return [];
  const names = env['LISTEN_FDNAMES']?.split(':') ?? [];
  const passed: PassedFd[] = [];
  for (let index = 0; index < Number(count); index++) {
    const fd = LISTEN_FDS_START + index;
    try {
      setCloseOnExec(fd, true);
    } catch {
      continue; // EBADF: announced but not open; nothing to use
    }
    passed.push({ fd, name: names[index] || 'unknown' });
  }
  return passed;
}

/** Removes the variables, as sd_listen_fds(3) does, so they are not taken for a child's. */
export function forgetPassedFds(env: NodeJS.ProcessEnv = process.env): void {
  delete env[HANDOVER_FD_VARIABLE];
  delete env['LISTEN_FDS'];
  delete env['LISTEN_PID'];
  delete env['LISTEN_FDNAMES'];
}
