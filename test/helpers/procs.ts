import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { descendantPids } from '../../src/runit/reaper.js';
import { defer } from './cleanup.js';

export interface Tracked {
  child: ChildProcess;
  pid: number;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts a process for a test and guarantees it is gone when the test ends: TERM, then KILL
 * after a grace period, by PID only (never by name, never a group we did not create).
 */
export function spawnTracked(
  t: { after(fn: () => void | Promise<void>): void },
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Tracked {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  // 'close' also waits for grandchildren that inherited stdout/stderr (a service under runsv);
  // give the output a moment to drain after 'exit', then settle regardless.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      const timer = setTimeout(() => resolve({ code, signal }), 1000);
      child.once('close', () => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
    child.on('error', () => resolve({ code: null, signal: null }));
  });
  defer(t, async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  return { child, pid: child.pid, stdout: () => out, stderr: () => err, exited };
}

/** Whether a pid is alive (and not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

/** Kills a pid we started (and only that pid) if it is still alive. */
export function killPid(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * The last sweep before a test's temp dir goes: a process still working inside it (a runsv a
 * runsvdir left behind on TERM, a service it started) was started by this test. TERM, then KILL.
 */
export async function killProcessesIn(dir: string): Promise<number[]> {
  const inside = (): number[] =>
    readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
      .map(Number)
      .filter((pid) => {
        try {
          const cwd = readlinkSync(`/proc/${pid}/cwd`);
          return cwd === dir || cwd.startsWith(`${dir}/`);
        } catch {
          return false;
        }
      });
  const found = inside();
  for (const pid of found) killPid(pid, 'SIGTERM');
  const deadline = Date.now() + 3000;
  while (inside().some(isAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  for (const pid of inside()) killPid(pid, 'SIGKILL');
  return found;
}

/** The pids of every live descendant of `pid`: the init's own walk of each task's children list. */
export const descendants: (pid: number) => number[] = descendantPids;

/** The parent pid of `pid` (0 once it is gone), from /proc/PID/stat. */
export function readParent(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

/** The descendants of `root` whose command line starts with `argv0` (e.g. `sleep`, `runsv`). */
export function descendantsNamed(root: number, argv0: string): number[] {
  const named = descendants(root).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith(`${argv0}\0`);
    } catch {
      return false;
    }
  });
  // A child runsv has forked but not yet exec'ed (./run, a hook) still carries runsv's argv.
  return named.filter((pid) => !named.includes(readParent(pid)));
}
