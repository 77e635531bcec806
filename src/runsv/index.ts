/**
 * The entry point other programs (runsvdir --in-process, the runit init) use to host a runsv in
 * their own process. This is the only module of runsv/ that another program may import.
 */
import { systemClock, type Clock } from '../clock.js';
import { writeStderr } from '../cli/output.js';
import { releaseResources, setUp, type SetUp } from './setup.js';
import type { ProcessHost } from './host.js';
import type { Supervisor } from './supervisor.js';
import { SupervisorStartError } from './errors.js';

export { SupervisorStartError };

export interface SupervisorOptions {
  /** Defaults to the system clock. */
  clock?: Clock;
  /** Where runsv's own diagnostic lines go (each ends in \n); defaults to fd 2. */
  writeDiagnostic?: (line: string) => void;
  /** The name used in diagnostics (`runsv NAME: ...`); defaults to the directory as given. */
  name?: string;
}

export interface RunningSupervisor {
  /** The service directory as given. */
  readonly dir: string;
  /** Resolves with runsv's exit code once the exit sequence is complete (RSV-29): 0. */
  readonly exited: Promise<number>;
  /** As SIGTERM to runsv (RSV-31): the same as control byte `x`. */
  terminate(): void;
  /** Process control bytes for the main service, as if written to supervise/control. */
  control(bytes: string): void;
  /** SIGKILL both the service and its log service (the init's last resort at the grace period). */
  killAll(): void;
  /** The pids of the children currently running (service, finish, log, hooks). */
  childPids(): number[];
}

/**
 * Runs runsv's start-up sequence (RSV-3) and then its loop in this process. Rejects with
 * SupervisorStartError (runit's fatal message) when runsv would have exited 111 at start-up.
 */
export async function startSupervisor(dir: string, options: SupervisorOptions = {}): Promise<RunningSupervisor> {
  const name = options.name ?? dir;
  const writeLine = options.writeDiagnostic ?? writeStderr;
  const setUpDone = await setUp(dir, name, options.clock ?? systemClock, writeLine);
  return new HostedRunsv(dir, setUpDone, runToEnd(setUpDone, name, writeLine));
}

/** The loop, then the resources given back, whatever the loop did. */
async function runToEnd({ supervisor, host, resources }: SetUp, name: string, writeLine: (line: string) => void): Promise<number> {
  let code: number;
  try {
    code = await supervisor.run();
  } catch (error) {
    // A fault in one supervisor must never take its host process (and the others) down.
    writeLine(`runsv ${name}: fatal: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    for (const pid of host.livePids()) host.signal(pid, 'SIGTERM');
    code = 111;
  }
  releaseResources(resources, host);
  return code;
}

/** Methods on a prototype, not closures: an in-process host keeps one of these per service. */
class HostedRunsv implements RunningSupervisor {
  readonly dir: string;
  readonly exited: Promise<number>;
  readonly #supervisor: Supervisor;
  readonly #host: ProcessHost;

  constructor(dir: string, { supervisor, host }: SetUp, exited: Promise<number>) {
    this.dir = dir;
    this.exited = exited;
    this.#supervisor = supervisor;
    this.#host = host;
  }

  terminate(): void {
    this.#supervisor.terminate();
  }

  control(bytes: string): void {
    this.#supervisor.enqueueControl(false, bytes);
  }

  killAll(): void {
    for (const pid of this.#host.livePids()) this.#host.signal(pid, 'SIGKILL');
  }

  childPids(): number[] {
    return this.#host.livePids();
  }
}
