/**
 * runit's three stages: 1 runs once (one-time set-up), 2 runs the service tree until shutdown,
 * 3 runs once on the way out. A stage script that does not exist is skipped, so a container
 * needs none of them.
 */
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { spawnTracked } from '../sys/spawned.js';

export const DEFAULT_STAGE_DIR = '/etc/runit';
/** Stage 2's tree when there is neither a DIR nor a stage-2 script (the system's init alone). */
export const DEFAULT_SERVICE_DIR = '/etc/service';

export interface StageResult {
  /** The exit code, or null when the script died from a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningStage {
  readonly child: ChildProcess;
  readonly done: Promise<StageResult>;
}

export function stagePath(stageDir: string, stage: 1 | 2 | 3): string {
  return join(stageDir, String(stage));
}

/** Whether a stage script is there to run (an executable file). */
export function hasStage(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a stage script with the init's stdio and environment. A failure to start (exec error)
 * resolves as exit 111, which runit's rules treat as a failed stage.
 */
export function startStage(path: string): RunningStage {
  const child = spawnTracked(path, [], { stdio: 'inherit' });
  const done = new Promise<StageResult>((resolve) => {
    child.once('error', () => resolve({ code: 111, signal: null }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, done };
}

/** Stage 1 failed as runit defines it: crashed or exited 100; stage 2 is then skipped. */
export function isStageOneFailed(result: StageResult): boolean {
  return result.signal !== null || result.code === 100;
}

/** Stage 2 is run again when it exits 111 or crashes (runit's rule). */
export function isStageTwoRestarted(result: StageResult): boolean {
  return result.signal !== null || result.code === 111;
}
