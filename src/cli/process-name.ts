/**
 * What `ps`, `pidof`, `pgrep -x` and `ps -C` see of a program (issue 15). A Node program starts
 * as `node /path/bin/NAME ...` with comm `node`, and Node's process.title setter also sets comm
 * to the title's first 15 bytes, so neither finds `runsvdir` or `runsv` the way Debian's
 * scripts look for them (`pidof runsvdir` in /lib/runit/trigger_sv and the LSB hook).
 */
import { setProcessName } from '../sys/index.js';

/**
 * Shows `title` in `ps` (one argument string: Node cannot rewrite argv in place) and keeps comm
 * at runit's program name. pidof (sysvinit's, which Debian installs, and procps-ng's) matches
 * comm when argv[0] contains a space, taking it for a set title: `name` and its arguments is one.
 */
export function showProcessTitle(name: string, title: string): void {
  process.title = title;
  try {
    setProcessName(name);
  } catch {
    // The name is for people and scripts looking on; a supervisor never stops over it.
  }
}

/** The title of a program started with these arguments: `name arg ...`, as runit's `ps` shows. */
export function titleOf(name: string, args: readonly string[]): string {
  return [name, ...args].join(' ');
}
