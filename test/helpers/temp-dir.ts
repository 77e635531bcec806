import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defer } from './cleanup.js';
import { killProcessesIn } from './procs.js';

/** A fresh directory for one test, removed when the test's cleanup runs. */
export function makeTempDir(t: { after(fn: () => void | Promise<void>): void }, prefix = 'node-runit-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  defer(t, async () => {
    await killProcessesIn(dir);
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  });
  return dir;
}
