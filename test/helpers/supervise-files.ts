/**
 * A service's supervise/ directory seen from outside, as sv and runsvdir see it: whether a runsv
 * holds it, its status record, its control FIFO, and a stand-in for a runsv that is not there.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SuperviseDir } from '../../src/client/supervise-dir.js';
import { unpackStatus, type StatusRecord } from '../../src/protocol/status.js';
import { waitFor } from './wait-for.js';


/** RSV-5: a non-blocking write-open of supervise/ok succeeds iff a runsv holds it. */
export function isSupervised(serviceDir: string): boolean {
  return new SuperviseDir(serviceDir).isSupervised();
}

export function readStatus(serviceDir: string): StatusRecord | undefined {
  try {
    return unpackStatus(readFileSync(join(serviceDir, 'supervise/status')));
  } catch {
    return undefined;
  }
}

export function readStatusBytes(dir: string): Buffer | undefined {
  try {
    return readFileSync(join(dir, 'supervise', 'status'));
  } catch {
    return undefined;
  }
}

/** Writes control bytes without blocking, as sv does (SV-8). */
export function sendControl(serviceDir: string, bytes: string | Uint8Array): void {
  const fd = openSync(join(serviceDir, 'supervise/control'), constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  } finally {
    closeSync(fd);
  }
}

/** Write-opens a control FIFO and writes `bytes`, ignoring a missing reader. */
export function poke(dir: string, bytes: string): boolean {
  try {
    sendControl(dir, bytes);
    return true;
  } catch {
    return false;
  }
}

/** Waits until runsv for `dir` writes a record in the wanted state. */
export async function waitState(dir: string, state: 'run' | 'down' | 'finish' | 'any', what = dir): Promise<void> {
  const code = { down: 0, run: 1, finish: 2, any: -1 }[state];
  await waitFor(`${what} to be ${state}`, () => {
    // runsv writes status before it holds supervise/ok (RSV-3 steps 9, 11): ready means both.
    if (!isSupervised(dir)) return false;
    const bytes = readStatusBytes(dir);
    if (bytes === undefined || bytes.length !== 20) return false;
    const pid = bytes.readUInt32LE(12);
    if (code === -1) return true;
    return bytes[19] === code && (code === 0 ? pid === 0 : pid !== 0);
  }, { timeout: 15_000, interval: 20 });
}

/**
 * Plays a live runsv for `dir` without one: makes `supervise/ok` and `supervise/control` FIFOs,
 * holds them open for reading (so sv sees a supervisor) and writes `record` as the status file.
 * Returns the descriptors; close them to "stop" it. Deterministic where a real runsv's state
 * flips (e.g. "down, want up" while it retries a failing ./run).
 */
export function fakeSupervise(dir: string, record: Uint8Array): number[] {
  mkdirSync(join(dir, 'supervise'), { recursive: true });
  const fds: number[] = [];
  for (const fifo of ['ok', 'control']) {
    const path = join(dir, 'supervise', fifo);
    execFileSync('mkfifo', [path]);
    fds.push(openSync(path, constants.O_RDONLY | constants.O_NONBLOCK));
  }
  writeFileSync(join(dir, 'supervise', 'status'), record);
  return fds;
}
