/**
 * The entry point other programs (runsvdir --in-process, the runit init) use to host a runsv in
 * their own process. This is the only module of runsv/ that another program may import.
 */
import { systemClock, type Clock } from '../clock.js';
import { writeStderr } from '../cli/output.js';
import { releaseResources, setUp } from './setup.js';
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
  const { supervisor, host, resources } = await setUp(dir, name, options.clock ?? systemClock, writeLine);
  const exited = supervisor.run().then(
    (code) => code,
    (error: unknown) => {
      // A fault in one supervisor must never take its host process (and the others) down.
      writeLine(`runsv ${name}: fatal: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      for (const pid of host.livePids()) host.signal(pid, 'SIGTERM');
      return 111;
    },
  );
  const finished = exited.then((code) => {
    releaseResources(resources, host);
    return code;
  });
  return {
    dir,
    exited: finished,
    terminate: () => supervisor.terminate(),
    control: (bytes) => supervisor.enqueueControl(false, bytes),
    killAll() {
      for (const pid of host.livePids()) host.signal(pid, 'SIGKILL');
    },
    childPids: () => host.livePids(),
  };
}
