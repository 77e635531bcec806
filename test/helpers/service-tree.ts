import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, killPid, spawnTracked, type Tracked } from './procs.js';
import { waitFor } from './wait-for.js';

type TestContext = { after(fn: () => void | Promise<void>): void };

/** Writes an executable script. */
export function writeScript(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/** A service directory whose run script execs `sleep` (so TERM stops it at once). */
export function makeService(parent: string, name: string, body = 'exec sleep 1000'): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  writeScript(join(dir, 'run'), body);
  return dir;
}

/** The pids of every live descendant of `pid` (children lists of each task). */
export function descendants(pid: number): number[] {
  const found: number[] = [];
  const walk = (parent: number): void => {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      let text = '';
      try {
        text = readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const child of text.split(' ').filter(Boolean).map(Number)) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

/** The first line of real sv's status for a service directory (absolute path). */
export function svStatus(serviceDir: string, sv = '/usr/bin/sv'): string {
  try {
    return execFileSync(sv, ['status', serviceDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? '');
  }
}

export function svRun(args: string[], sv = '/usr/bin/sv'): string {
  try {
    return execFileSync(sv, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? '');
  }
}

export async function waitRunning(serviceDir: string, timeout = 15_000): Promise<number> {
  const line = await waitFor(`${serviceDir} to run`, () => /^run: [^:]+: \(pid (\d+)\)/.exec(svStatus(serviceDir)), {
    timeout,
    interval: 50,
  });
  return Number(line[1]);
}

/**
 * Starts a runsvdir (ours or real) and makes sure that it and every process below it are gone
 * when the test ends: HUP (runsvdir TERMs its runsv), then KILL of any survivor by pid.
 */
export function startTree(
  t: TestContext,
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Tracked & { stopTree(signal?: NodeJS.Signals): Promise<void> } {
  const tracked = spawnTracked(t, command, args, { env });
  const known = new Set<number>();
  const remember = (): void => {
    for (const pid of descendants(tracked.pid)) known.add(pid);
  };
  const timer = setInterval(remember, 200);
  const stopTree = async (signal: NodeJS.Signals = 'SIGHUP'): Promise<void> => {
    clearInterval(timer);
    remember();
    if (isAlive(tracked.pid)) killPid(tracked.pid, signal);
    await Promise.race([tracked.exited, sleep(10_000)]);
    const deadline = Date.now() + 10_000;
    while ([...known].some(isAlive) && Date.now() < deadline) {
      for (const pid of known) for (const below of descendants(pid)) known.add(below);
      await sleep(50);
    }
    for (const pid of known) {
      for (const below of descendants(pid)) killPid(below);
      killPid(pid);
    }
  };
  t.after(() => stopTree());
  return { ...tracked, stopTree };
}

/** PATH with real runit's programs first, or ours first. */
export function pathWith(first: string): string {
  return `${first}:${process.env['PATH'] ?? '/usr/bin:/bin'}`;
}
