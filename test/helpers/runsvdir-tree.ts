/**
 * A runsvdir (ours or real) over a directory of services, for the runsvdir and init tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { descendants, isAlive, killPid, killProcessesIn, readParent } from './procs.js';

type TestContext = { after(fn: () => void | Promise<void>): void };

export interface RunsvdirTree {
  child: ChildProcess;
  pid: number;
  stderr(): string;
  /** Resolves when the runsvdir process itself exits ('exit', not 'close': runsv keeps its pipes). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Signals runsvdir (HUP: it TERMs its runsv), then KILLs any process that was below it. */
  stopTree(signal?: NodeJS.Signals): Promise<void>;
  /** Every pid ever seen below runsvdir. */
  known: Set<number>;
}

/**
 * Starts a runsvdir (ours or real) and makes sure that it and every process below it are gone
 * when the test ends: HUP (runsvdir TERMs its runsv), then KILL of any survivor by pid.
 */
export function startRunsvdirTree(
  t: TestContext,
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  removeAfter?: string,
): RunsvdirTree {
  const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const known = new Set<number>();
  const direct = new Set<number>();
  const remember = (): void => {
    for (const below of descendants(pid)) known.add(below);
    for (const child of descendants(pid).filter((below) => readParent(below) === pid)) direct.add(child);
  };
  const timer = setInterval(remember, 100);
  timer.unref();
  let isStopped = false;
  const stopTree = async (signal: NodeJS.Signals = 'SIGHUP'): Promise<void> => {
    if (isStopped) return;
    isStopped = true;
    remember();
    clearInterval(timer);
    if (child.exitCode === null && child.signalCode === null) killPid(pid, signal);
    await Promise.race([exited, sleep(15_000, undefined, { ref: false })]);
    // A runsvdir that exited on TERM left its runsv running: TERM them as its HUP would have.
    for (const child of direct) if (isAlive(child)) killPid(child, 'SIGTERM');
    killPid(pid);
    const deadline = Date.now() + 15_000;
    while ([...known].some(isAlive) && Date.now() < deadline) {
      for (const alive of known) for (const below of descendants(alive)) known.add(below);
      await sleep(50);
    }
    for (const alive of known) {
      for (const below of descendants(alive)) killPid(below);
      killPid(alive);
    }
    child.stderr?.destroy();
    // Only now: a supervisor still running would keep writing into the directory.
    if (removeAfter !== undefined) {
      await killProcessesIn(removeAfter);
      rmSync(removeAfter, { recursive: true, force: true });
    }
  };
  t.after(() => stopTree());
  return { child, pid, stderr: () => err, exited, stopTree, known };
}

/** A fresh directory that the tree started on it removes once everything below it has stopped. */
export function makeTreeRoot(): string {
  return mkdtempSync(join(tmpdir(), 'node-runit-tree-'));
}

/** PATH with real runit's programs first, or ours first. */
export function pathWith(first: string): string {
  return `${first}:${process.env['PATH'] ?? '/usr/bin:/bin'}`;
}
