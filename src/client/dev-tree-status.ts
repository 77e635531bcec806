/** What DevTree needs to know about processes and supervisors, read from /proc and supervise/. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode, RunitError } from '../errors.js';
import { isLive } from '../sys/proc.js';
import { Client } from './client.js';
import { mapIoError, type Status } from './status.js';
import { SuperviseDir } from './supervise-dir.js';

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
  return isLive(pid);
}

/** runit's test: a non-blocking write-open of supervise/ok succeeds only while runsv holds it. */
export function isServiceSupervised(dir: string): boolean {
  const supervise = new SuperviseDir(dir);
  try {
    supervise.probe('ok');
    return true;
  } catch (error) {
    const mapped = mapIoError(error, supervise, 'ok');
    if (isNotSupervised(mapped)) return false;
    throw mapped;
  }
}

export async function readServiceStatus(name: string, dir: string, isEnabled: boolean): Promise<DevServiceStatus> {
  try {
    return { name, dir, isEnabled, isSupervised: true, status: await new Client(dir).status() };
  } catch (error) {
    // Not supervised (yet, or any more): Client.status() refuses a record no supervisor holds.
    if (isNotSupervised(error)) return { name, dir, isEnabled, isSupervised: false, status: undefined };
    throw error;
  }
}

/** No supervise/ files (ENOENT) or no supervisor reading them (ENXIO); anything else is a fault. */
function isNotSupervised(error: unknown): boolean {
  return error instanceof RunitError && (error.code === 'ERR_NOT_SUPERVISED' || error.code === 'ERR_RUNSV_NOT_RUNNING');
}

/** The service names in `dir`, sorted; dot names (temp and set-aside directories) are skipped. */
export async function serviceNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => !name.startsWith('.')).sort();
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
}

/** Whether a supervisor still holds any service of `servicesDir`, or its log service. */
export async function isAnySupervised(servicesDir: string): Promise<boolean> {
  for (const name of await serviceNames(servicesDir)) {
    const dir = new SuperviseDir(join(servicesDir, name));
    if (dir.isSupervised() || dir.log().isSupervised()) return true;
  }
  return false;
}
