/**
 * The entry point other programs (runsvdir --in-process, the runit init) use to run a runsv's
 * Supervisor inside their own process. This is the only module of runsv/ that another program
 * may import.
 */
import { systemClock, type Clock } from '../clock.js';
import type { SystemEffects } from './effects.js';
import { setUp, type SetUp } from './setup.js';
import type { Supervisor } from './supervisor.js';
import { SupervisorStartError } from './errors.js';

export { SupervisorStartError };

export interface SupervisorOptions {
  /** Where runsv's own diagnostic lines go, one finished line (ending in \n) a call. */
  writeDiagnostic: (line: string) => void;
  /** Defaults to the system clock. */
  clock?: Clock;
  /** The name used in diagnostics (`runsv NAME: ...`); defaults to the directory as given. */
  name?: string;
  /** Run a log service whose log/run is recognisably svlogd with the engine in this process. */
  isLogInline?: boolean;
}

export interface RunningSupervisor {
  /** The service directory as given. */
  readonly dir: string;
  /** Resolves with runsv's exit code once the exit sequence is complete (RSV-29): 0. */
  readonly exited: Promise<number>;
  /** As SIGTERM to runsv (RSV-31): the same as control byte `x`. */
  terminate(): void;
  /** SIGKILL both the service and its log service (the init's last resort at the grace period). */
  killAll(): void;
  /** Descriptors held for the service beyond the supervisor's own (`listen`, `fdstore-max`). */
  readonly heldFdCount?: number;
}

/**
 * Runs runsv's start-up sequence (RSV-3) and then its loop in this process. Rejects with
 * SupervisorStartError (runit's fatal message) when runsv would have exited 111 at start-up.
 */
export async function startSupervisor(dir: string, options: SupervisorOptions): Promise<RunningSupervisor> {
  const name = options.name ?? dir;
  const setUpDone = await setUp(dir, name, options.clock ?? systemClock, options.writeDiagnostic, options.isLogInline === true);
  return new StartedSupervisor(dir, setUpDone, runToEnd(setUpDone, name, options.writeDiagnostic));
}

/** The loop, then the descriptors given back, whatever the loop did. */
async function runToEnd({ supervisor, effects, release }: SetUp, name: string, writeLine: (line: string) => void): Promise<number> {
  let code: number;
  try {
    code = await supervisor.run();
  } catch (error) {
    // A fault in one supervisor must never take the process it shares (and the others) down.
    writeLine(`runsv ${name}: fatal: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    for (const pid of effects.livePids()) effects.signal(pid, 'SIGTERM');
    code = 111;
  }
  release();
  return code;
}

/** Methods on a prototype, not closures: one process may keep one of these per service. */
class StartedSupervisor implements RunningSupervisor {
  readonly dir: string;
  readonly exited: Promise<number>;
  readonly #supervisor: Supervisor;
  readonly #effects: SystemEffects;

  constructor(dir: string, { supervisor, effects }: SetUp, exited: Promise<number>) {
    this.dir = dir;
    this.exited = exited;
    this.#supervisor = supervisor;
    this.#effects = effects;
  }

  terminate(): void {
    this.#supervisor.terminate();
  }

  killAll(): void {
    this.#effects.killAll();
  }

  get heldFdCount(): number {
    return this.#effects.heldFdCount;
  }
}
