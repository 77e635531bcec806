/** Starting supervisors for a scenario, and stopping them (and only them) when it ends. */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnTracked, type Tracked } from '../../test/helpers/procs.js';
import { makeService } from '../../test/helpers/service-dir.js';
import { isSupervised, sendControl } from '../../test/helpers/supervise-files.js';
import { waitFor } from '../../test/helpers/wait-for.js';
import type { Impl } from './impl.js';
import type { Scope } from './scope.js';

/** A service that starts at once and sleeps: it costs the supervisor nothing but being watched. */
export const SLEEPER = 'exec sleep 100000';

/** runsv pauses a second before starting a service again that ran for less: stay clear of it. */
export const MIN_UPTIME_MS = 1100;

export function makeSleeper(dir: string): string {
  return makeService(dir, { run: SLEEPER });
}

/**
 * Starts `runsv NAME` in `parent` and waits until it serves supervise/ok. At the scope's end it
 * gets `x` (TERM as the fallback) and its service is gone too.
 */
export async function startRunsv(scope: Scope, impl: Impl, parent: string, name: string): Promise<Tracked> {
  // Its own process group, as in tree.ts: a Ctrl-C reaches the bench, which stops it with `x`.
  const proc = spawnTracked(scope, impl.bin('runsv'), [name], { cwd: parent, env: impl.env, detached: true });
  const dir = join(parent, name);
  scope.defer(async () => {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
    try {
      sendControl(dir, 'x');
    } catch {
      proc.child.kill('SIGTERM');
    }
    await Promise.race([proc.exited, sleep(5000)]);
  });
  await waitFor(`${impl.name} runsv to serve ${name}`, () => isSupervised(dir) || proc.child.exitCode !== null, { timeout: 15_000 });
  if (proc.child.exitCode !== null) throw new Error(`${impl.name} runsv ${name} exited ${proc.child.exitCode}: ${proc.stderr()}`);
  return proc;
}
