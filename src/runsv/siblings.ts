/**
 * How a supervisor sees a sibling service it depends on (`dependencies.d/NAME` → `../NAME`),
 * through the sibling's own `supervise/` files, the way sv would: works alike whether the
 * sibling's supervisor is a runsv process or shares this process.
 */
import { readdirSync, statSync } from 'node:fs';
import { readyStamp } from '../client/readiness.js';
import { StatusReader } from '../client/status.js';
import { SuperviseDir } from '../client/supervise-dir.js';
import { RunitError } from '../errors.js';
import { EXTENSION_FILE } from '../protocol/layout.js';
import { STATE_RUN } from '../protocol/status.js';
import type { SiblingState } from './dependencies.js';

const reader = new StatusReader('runit');

export function siblingState(path: string): SiblingState {
  try {
    if (!statSync(path).isDirectory()) return 'missing';
  } catch {
    return 'missing';
  }
  const dir = new SuperviseDir(path);
  try {
    reader.readRecord(dir);
  } catch (error) {
    if (error instanceof RunitError) return 'unsupervised';
    throw error;
  }
  const record = reader.record;
  if (record.state !== STATE_RUN || record.pid === 0) return 'down';
  if (!dir.declaresReadiness()) return 'satisfied';
  return readyStamp(dir, record) === undefined ? 'not-ready' : 'satisfied';
}

export function siblingDependencies(path: string): readonly string[] {
  try {
    return readdirSync(`${path}/${EXTENSION_FILE.dependencies}`).filter((name) => !name.startsWith('.'));
  } catch {
    return [];
  }
}
