/** What DevTree needs to know about processes and supervisors, read from /proc and supervise/. */
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from './client.js';
import type { Status } from './status.js';
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
  try {
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'latin1'));
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

/** The service names in `dir`, sorted; dot names (temp and set-aside directories) are skipped. */
export async function serviceNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => !name.startsWith('.')).sort();
  } catch {
    return [];
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
