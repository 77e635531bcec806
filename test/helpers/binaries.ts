import { accessSync, constants } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test/...). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const OUR_BIN = join(REPO_ROOT, 'bin');

export function ourBin(name: string): string {
  return join(OUR_BIN, name);
}

/** Real runit's programs, installed by `apt-get install runit` (Debian 2.1.2). */
export function realBin(name: string): string {
  return join('/usr/bin', name);
}

export function hasRealRunit(): boolean {
  try {
    accessSync(realBin('runsv'), constants.X_OK);
    accessSync(realBin('sv'), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The skip reason for compat tests when real runit is missing (CI installs it, so CI never skips). */
export const NEEDS_RUNIT = hasRealRunit() ? false : 'real runit is not installed (apt-get install -y runit)';
