/** What DevTree needs to know about processes and supervisors, read from /proc and supervise/. */
import { closeSync, constants, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from './client.js';
import type { Status } from './status.js';

export interface DevServiceStatus {
  name: string;
  dir: string;
  isEnabled: boolean;
  /** A supervisor holds the service and its status could be read. */
  isSupervised: boolean;
  /** The service's status (with its log service's) while supervised. */
  status: Status | undefined;
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
  try {
    return { name, dir, isEnabled, isSupervised: true, status: await new Client(dir).status() };
  } catch {
    // Not supervised (yet, or any more): Client.status() refuses a record no supervisor holds.
    return { name, dir, isEnabled, isSupervised: false, status: undefined };
  }
}
