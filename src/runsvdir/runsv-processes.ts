/**
 * runit's own topology (RSD-6): one `runsv NAME` process per service, found through PATH (ours or
 * real runit's, whichever comes first), started with the scanned directory as its cwd.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { SuperviseDir } from '../client/supervise-dir.js';
import { errorText } from '../errors.js';
import { spawnNames } from '../sys/spawned.js';
import type { RunningService, ServiceRunner } from './scanner.js';

export interface RunsvProcessesOptions {
  /** `-P`: each runsv in a new session (RSD-6). */
  isNewSession?: boolean;
  /** runit's fatal line after `runsvdir DIR: fatal: `, printed by the child in runit (RSD-6). */
  fatal?: (text: string) => void;
  /** The program to start; `runsv` through PATH unless a test says otherwise. */
  program?: string;
}

export interface RunsvProcess extends RunningService {
  readonly child: ChildProcess;
}

export class RunsvProcesses implements ServiceRunner {
  readonly #dir: string;
  readonly #options: RunsvProcessesOptions;
  readonly #running = new Set<RunsvProcess>();

  constructor(dir: string, options: RunsvProcessesOptions = {}) {
    this.#dir = dir;
    this.#options = options;
  }

  start(name: string, onEnded: () => void): RunsvProcess {
    // stdin, stdout and stderr are runsvdir's own (stderr is the log pipe in log mode, RSD-3).
    // A name is bytes (sys/byte-names.ts): `runsv NAME` gets exactly the entry's bytes.
    const child = spawnNames(this.#options.program ?? 'runsv', [name], {
      cwd: this.#dir,
      stdio: 'inherit',
      detached: this.#options.isNewSession === true,
    });
    let resolveEnded: () => void = () => {};
    const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
    const runsv: RunsvProcess = {
      name,
      child,
      ended,
      stop: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      },
      kill: () => {
        // runsv's children are not ours: their pids are in the supervise/ files runsv keeps.
        const service = new SuperviseDir(join(this.#dir, name));
        for (const supervise of [service, service.log()]) killFromPidFile(supervise);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    };
    this.#running.add(runsv);
    let hasEnded = false;
    const end = (): void => {
      if (hasEnded) return;
      hasEnded = true;
      this.#running.delete(runsv);
      resolveEnded();
      onEnded();
    };
    child.once('error', (error) => {
      // runit's forked child prints this and exits 100; the next scan retries (RSD-6).
      this.#options.fatal?.(`unable to start runsv ${name}: ${errorText(error)}`);
      end();
    });
    child.once('exit', end);
    return runsv;
  }

  /** The runsv processes still running. */
  running(): RunsvProcess[] {
    return [...this.#running];
  }
}

function killFromPidFile(supervise: SuperviseDir): void {
  try {
    const pid = supervise.readPid();
    if (pid !== undefined) process.kill(pid, 'SIGKILL');
  } catch {
    // an unreadable pid file, or no such process: nothing left to kill
  }
}
