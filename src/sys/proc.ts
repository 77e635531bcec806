/**
 * What /proc says about one process. No libc here, so client code (DevTree) can read it without
 * loading the FFI.
 */
import { readFileSync } from 'node:fs';

/**
 * The state letter of `/proc/PID/stat` (R, S, D, Z, X, ...), read after the last `)` because the
 * command name before it may hold anything, spaces and parentheses included. Undefined once the
 * process is gone (or was never there).
 */
export function processState(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  const state = stat.charAt(stat.lastIndexOf(')') + 2);
  return state === '' ? undefined : state;
}

/** Dead but not yet waited for (state Z). */
export function isZombie(pid: number): boolean {
  return processState(pid) === 'Z';
}

/** Listed in /proc and not exited: neither a zombie nor so far gone (X) that only its entry is left. */
export function isLive(pid: number): boolean {
  const state = processState(pid);
  return state !== undefined && state !== 'Z' && state !== 'X';
}
