import { SysError } from '../errors.js';
import { lastErrno } from './libc.js';

/** A libc call's -1 as the SysError of `syscall` (code = errno name); any other result as is. */
export function check(result: number, syscall: string, path?: string): number {
  if (result === -1) throw new SysError(syscall, lastErrno(), path);
  return result;
}
