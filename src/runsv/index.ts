/**
 * The entry point other programs (runsvdir --in-process, the runit init) use to host a runsv in
 * their own process. This is the only module of runsv/ that another program may import.
 */
import type { Clock } from '../clock.js';

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
  /** Process one control byte for the main service, as if written to supervise/control. */
  control(byte: string): void;
  /** SIGKILL both the service and its log service (the init's last resort at the grace period). */
  killAll(): void;
  /** The pids of the children currently running (service, finish, log, hooks). */
  childPids(): number[];
}

/** A start-up failure, with runit's message after `runsv NAME: fatal: ` (RSV-32), exit 111. */
export class SupervisorStartError extends Error {
  readonly exitCode = 111;
}
