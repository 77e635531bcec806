/**
 * The detached runsvdir a DevTree starts: spawning it with its pidfile, finding it again, making
 * its first scan immediate, and stopping it when the process that started it ends.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readFile, rename, stat, utimes, writeFile } from 'node:fs/promises';
import { RunitError } from '../errors.js';
import { isProcessAlive } from './dev-tree-status.js';

export interface RunsvdirCommand {
  command: string;
  args: readonly string[];
}

/** Where one tree's runsvdir lives: the directory it scans, its pidfile, its log, its cwd. */
export interface RunsvdirPlace {
  base: string;
  enabledDir: string;
  pidFile: string;
  logFile: string;
}

/**
 * The pid in the pidfile when that process is alive and is scanning our enabled/, else
 * undefined. (A stale pidfile's pid may have been reused; a scanner may rewrite its argv as a
 * process title, so the path is looked for in the whole command line.)
 */
export async function readRunsvdirPid(place: RunsvdirPlace): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(place.pidFile, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text, 10);
  if (!Number.isSafeInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return undefined;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(place.enabledDir) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * runsvdir's first scan sleeps a second when enabled/ changed in the current second (RSD-4: a
 * change later in that second would not move the mtime). The tree was just written by us and
 * nothing else is scanning it yet, so its mtime is set back a second: the scan starts at once,
 * and any change made after this moves the mtime to now, so the rule still catches it.
 */
export async function backdateEnabledDir(enabledDir: string, nowMillis = Date.now()): Promise<void> {
  const current = await stat(enabledDir);
  const second = Math.floor(nowMillis / 1000);
  if (current.mtimeMs < second * 1000) return;
  await utimes(enabledDir, current.atime, second - 1);
}

/** Starts `scanner` on enabled/, detached (it outlives us), output appended to the log; returns its pid. */
export async function spawnRunsvdir(place: RunsvdirPlace, scanner: RunsvdirCommand): Promise<number> {
  await backdateEnabledDir(place.enabledDir);
  const out = openSync(place.logFile, 'a');
  let pid: number | undefined;
  try {
    const child = spawn(scanner.command, [...scanner.args, place.enabledDir], { detached: true, stdio: ['ignore', out, out], cwd: place.base });
    child.on('error', () => undefined); // reported below through the missing pid
    child.unref();
    pid = child.pid;
  } finally {
    closeSync(out);
  }
  if (pid === undefined) throw new RunitError('ERR_SYS', `cannot start ${scanner.command}`);
  await writeFile(`${place.pidFile}.new`, `${pid}\n`);
  await rename(`${place.pidFile}.new`, place.pidFile);
  return pid;
}

/**
 * Polls `isDone` every 50 ms until it holds; rejects ERR_TIMEOUT with `what` after `timeout` ms.
 * (Processes ending are no file-system event: there is nothing to wait on but the check itself.)
 */
export async function pollUntil(what: string, timeout: number, isDone: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await isDone())) {
    if (Date.now() > deadline) throw new RunitError('ERR_TIMEOUT', `${what} within ${timeout} ms`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/**
 * Stops runsvdir `pid` when this process ends (exit, uncaught exception, a fatal signal), with
 * signal-exit: HUP makes it stop every service in order and exit (ours; runit's TERMs each
 * runsv), after we are gone. Returns the function that takes the hook off again. SIGKILL cannot
 * be caught: a tree whose starter was killed that way lingers.
 */
export async function stopOnExit(pid: number): Promise<() => void> {
  const { onExit } = await import('signal-exit');
  return onExit(() => {
    try {
      process.kill(pid, 'SIGHUP');
    } catch {
      // already gone
    }
  });
}
