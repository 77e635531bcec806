/** What DevTree needs to know about processes and supervisors, read from /proc and supervise/. */
import { closeSync, constants, openSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unpackStatus, type StatusRecord } from '../protocol/status.js';

export interface DevServiceStatus {
  name: string;
  dir: string;
  isEnabled: boolean;
  /** A supervisor holds the service (its supervise/ok FIFO has a reader). */
  isSupervised: boolean;
  /** The decoded supervise/status record while supervised. */
  status: StatusRecord | undefined;
}

/** Alive and not a zombie. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return false;
  }
}

/** runit's test: a non-blocking write-open of supervise/ok succeeds only while runsv holds it. */
export function isServiceSupervised(dir: string): boolean {
  try {
    closeSync(openSync(join(dir, 'supervise/ok'), constants.O_WRONLY | constants.O_NONBLOCK));
    return true;
  } catch {
    return false;
  }
}

export async function readServiceStatus(name: string, dir: string, isEnabled: boolean): Promise<DevServiceStatus> {
  const isSupervised = isServiceSupervised(dir);
  let status: StatusRecord | undefined;
  if (isSupervised) {
    try {
      status = unpackStatus(await readFile(join(dir, 'supervise/status')));
    } catch {
      status = undefined;
    }
  }
  return { name, dir, isEnabled, isSupervised, status };
}
