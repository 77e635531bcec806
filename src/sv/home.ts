/**
 * sv's way back to the directory it started in: it keeps "." open and fchdir()s back to it,
 * which works even when the directory was removed or renamed; /proc/self/fd/N gives Node the
 * same without a libc call.
 */
import { constants, openSync } from 'node:fs';
import { errorCode } from '../errors.js';
import type { SvContext } from './context.js';

/**
 * Opens "." (a `fatal:` on failure, SV-15) and returns what changes back to it; that too ends
 * in `fatal:` when it fails.
 */
export function openHome(sv: SvContext): () => void {
  let home: number;
  try {
    home = openSync('.', constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return sv.fatal('unable to open current directory', errorCode(error));
  }
  let homePath: string | undefined;
  try {
    homePath = process.cwd();
  } catch {
    homePath = undefined;
  }
  return () => {
    try {
      process.chdir(`/proc/self/fd/${home}`);
    } catch (error) {
      if (homePath === undefined || errorCode(error) !== 'ENOENT') return sv.fatal('unable to change to original directory', errorCode(error));
      try {
        process.chdir(homePath); // no /proc mounted
      } catch (fallbackError) {
        sv.fatal('unable to change to original directory', errorCode(fallbackError));
      }
    }
  };
}
