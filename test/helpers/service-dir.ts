import { chmodSync, closeSync, constants, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { unpackStatus, type StatusRecord } from '../../src/protocol/status.js';

export interface ServiceSpec {
  run?: string;
  finish?: string;
  /** Contents of log/run; a log/ directory is made when given. */
  logRun?: string;
  isDown?: boolean;
  /** control/<c> scripts. */
  hooks?: Record<string, string>;
}

/** Writes an executable `#!/bin/sh` script. */
export function writeScript(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/** Writes a service directory of tiny shell fixtures. */
export function makeService(dir: string, spec: ServiceSpec): string {
  mkdirSync(dir, { recursive: true });
  if (spec.run !== undefined) writeScript(join(dir, 'run'), spec.run);
  if (spec.finish !== undefined) writeScript(join(dir, 'finish'), spec.finish);
  if (spec.isDown) writeFileSync(join(dir, 'down'), '');
  if (spec.logRun !== undefined) {
    mkdirSync(join(dir, 'log'), { recursive: true });
    writeScript(join(dir, 'log/run'), spec.logRun);
  }
  for (const [c, body] of Object.entries(spec.hooks ?? {})) {
    mkdirSync(join(dir, 'control'), { recursive: true });
    writeScript(join(dir, 'control', c), body);
  }
  return dir;
}

/** RSV-5: a non-blocking write-open of supervise/ok succeeds iff a runsv holds it. */
export function isSupervised(serviceDir: string): boolean {
  try {
    closeSync(openSync(join(serviceDir, 'supervise/ok'), constants.O_WRONLY | constants.O_NONBLOCK));
    return true;
  } catch {
    return false;
  }
}

export function readStatus(serviceDir: string): StatusRecord | undefined {
  try {
    return unpackStatus(readFileSync(join(serviceDir, 'supervise/status')));
  } catch {
    return undefined;
  }
}

export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
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
