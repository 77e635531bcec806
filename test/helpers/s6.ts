/**
 * Real s6 (Debian's s6-supervise 2.11) for side-by-side tests: a service directory under
 * s6-supervise, gone with its children when the test ends, and s6-svstat's answers.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NEEDS_RUNIT } from './binaries.js';
import { defer } from './cleanup.js';
import { makeExtendedService, type ExtendedSpec } from './extension-tree.js';
import { spawnTracked } from './procs.js';
import { waitFor } from './wait-for.js';

type TestContext = { after(fn: () => void | Promise<void>): void };

export interface Supervised {
  dir: string;
  /** Brings the service down the supervisor's way (`s6-svc -d`, `sv d`). */
  down(): void;
}

export const NEEDS_S6 = ((): string | false => {
  try {
    for (const bin of ['/usr/bin/s6-supervise', '/usr/bin/s6-svc', '/usr/bin/s6-svstat']) accessSync(bin, constants.X_OK);
    return NEEDS_RUNIT;
  } catch {
    return 's6 is not installed (apt-get install -y s6)';
  }
})();

/** One service under real s6-supervise; gone (with its children) when the test ends. */
export async function underS6(t: TestContext, spec: ExtendedSpec): Promise<Supervised> {
  const root = mkdtempSync(join(tmpdir(), 'ext-s6-'));
  const dir = makeExtendedService(join(root, 'svc'), spec);
  const supervise = spawnTracked(t, '/usr/bin/s6-supervise', [dir]);
  defer(t, async () => {
    try {
      execFileSync('/usr/bin/s6-svc', ['-kdx', dir], { stdio: 'ignore' });
    } catch {
      // already gone
    }
    await Promise.race([supervise.exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    rmSync(root, { recursive: true, force: true });
  });
  await waitFor('s6-supervise to run the service', () => Number(s6(['-o', 'pid'], dir)) > 0);
  return { dir, down: () => execFileSync('/usr/bin/s6-svc', ['-d', dir]) };
}

export function s6(args: string[], dir: string): string {
  try {
    return execFileSync('/usr/bin/s6-svstat', [...args, dir], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

