/**
 * `--in-process` (and the runit init): every Supervisor lives in this one Node process, so an
 * extra service costs kilobytes instead of a ~40 MB runtime. Each Supervisor is walled off: a
 * start failure, a throw or a rejected promise from one is reported and retried at the next
 * scan, never passed on to the others.
 */
import { join } from 'node:path';
import type { RunningSupervisor, SupervisorOptions } from '../runsv/index.js';
import { errorCode, RunitError } from '../errors.js';
import { asSupervisor } from './fault-wall.js';
import { hasRoomForSupervisor, openFilesLimit, FDS_PER_SERVICE } from './fd-budget.js';
import type { RunningService, ServiceRunner } from './scanner.js';

export type StartSupervisor = (dir: string, options: SupervisorOptions) => Promise<RunningSupervisor>;

export interface InProcessSupervisorsOptions {
  /** Each Supervisor's diagnostic lines, one finished line (ending in \n) a call. */
  writeDiagnostic: (line: string) => void;
  /**
   * Log services whose log/run is recognisably svlogd run with the engine in this process
   * (default: on, unless NODE_RUNIT_INLINE_LOGS=0).
   */
  isLogInline?: boolean;
  /** A runsvdir-level warning, after `runsvdir DIR: warning: `, for faults that are not runit's. */
  warn?: (text: string) => void;
}

export interface InProcessService extends RunningService {
  /** Undefined until the Supervisor has started. */
  readonly supervisor: RunningSupervisor | undefined;
}

export class InProcessSupervisors implements ServiceRunner {
  readonly #dir: string;
  readonly #startSupervisor: StartSupervisor;
  readonly #options: InProcessSupervisorsOptions;
  readonly #running = new Set<InProcessService>();
  readonly #guardBound: Guard = (name, action) => this.#guard(name, action);
  #isOutOfFdsSaid = false;
  /** Supervisors whose start is under way: their descriptors are not all taken yet. */
  #starting = 0;

  constructor(dir: string, startSupervisor: StartSupervisor, options: InProcessSupervisorsOptions) {
    this.#dir = dir;
    this.#startSupervisor = startSupervisor;
    this.#options = options;
  }

  start(name: string, onEnded: () => void): InProcessService {
    const entry = new InProcessEntry(name, this.#guardBound);
    this.#running.add(entry);
    void this.#supervise(entry, onEnded);
    return entry;
  }

  /** One suspended call per service instead of a set of closures: one process keeps a thousand. */
  async #supervise(entry: InProcessEntry, onEnded: () => void): Promise<void> {
    const { name } = entry;
    const options: SupervisorOptions = {
      name,
      writeDiagnostic: this.#options.writeDiagnostic,
      isLogInline: this.#options.isLogInline ?? process.env['NODE_RUNIT_INLINE_LOGS'] !== '0',
    };
    try {
      // onEnded must never run before start() has returned: the check below may end this at once.
      await undefined;
      // Not started now: ended like a failed start, so the scanner tries again at a later wake-up.
      if (!hasRoomForSupervisor(this.#running.size - 1, this.#starting, openFilesLimit(), this.heldFdCount())) return this.#sayOutOfFds();
      this.#starting += 1;
      let started: RunningSupervisor;
      try {
        started = await asSupervisor(name, () => this.#startSupervisor(join(this.#dir, name), options));
      } finally {
        this.#starting -= 1;
      }
      entry.supervisor = started;
      if (entry.isStopWanted) this.#guard(name, () => started.terminate());
      await started.exited;
    } catch (error) {
      this.#fault(name, error);
    } finally {
      this.#running.delete(entry);
      entry.resolveEnded();
      onEnded();
    }
  }

  /** Descriptors the Supervisors hold for their services (`listen`, `fdstore-max`), all together. */
  heldFdCount(): number {
    let count = 0;
    for (const entry of this.#running) count += entry.supervisor?.heldFdCount ?? 0;
    return count;
  }

  /** The Supervisors still running (or starting). */
  running(): InProcessService[] {
    return [...this.#running];
  }

  #guard(name: string, action: () => void): void {
    try {
      // What a Supervisor sets going when told to stop is its own, whoever told it.
      asSupervisor(name, action);
    } catch (error) {
      this.#fault(name, error);
    }
  }

  #fault(name: string, error: unknown): void {
    if (isOutOfFds(error)) {
      this.#sayOutOfFds();
      return;
    }
    if (error instanceof RunitError && error.code === 'ERR_SUPERVISOR_START') {
      // What runsv would have printed before exiting 111 (RSV-32); runsvdir retries it (RSD-6).
      this.#options.writeDiagnostic(`runsv ${name}: fatal: ${error.message}\n`);
      return;
    }
    const text = error instanceof Error ? error.message : String(error);
    this.#options.warn?.(`supervisor ${name} failed: ${text}`);
  }

  /**
   * Said once, not once per service and scan: what runs keeps running, the rest waits and is
   * retried at the scanner's wake-ups (every 5 s) until descriptors are free.
   */
  #sayOutOfFds(): void {
    if (this.#isOutOfFdsSaid) return;
    this.#isOutOfFdsSaid = true;
    const limit = openFilesLimit();
    const held = this.heldFdCount();
    this.#options.warn?.(
      `out of file descriptors (limit ${limit ?? '?'}, about ${FDS_PER_SERVICE} a service in one process` +
        `${held > 0 ? `, ${held} held for listen sockets and fd stores` : ''}): ` +
        `services that do not fit wait and are retried every 5 s; raise the hard limit (ulimit -Hn) to run them all`,
    );
  }
}

/** A start that failed on EMFILE or ENFILE (the table filled up by other means meanwhile). */
function isOutOfFds(error: unknown): boolean {
  const code = errorCode(error instanceof Error ? error.cause : undefined);
  return code === 'EMFILE' || code === 'ENFILE';
}

type Guard = (name: string, action: () => void) => void;

function noop(): void {}

/** Methods on a prototype, not closures: one process keeps one of these per service. */
class InProcessEntry implements InProcessService {
  readonly name: string;
  readonly ended: Promise<void>;
  supervisor: RunningSupervisor | undefined;
  isStopWanted = false;
  resolveEnded: () => void = noop;
  readonly #guard: Guard;

  constructor(name: string, guard: Guard) {
    this.name = name;
    this.#guard = guard;
    this.ended = new Promise<void>((resolve) => (this.resolveEnded = resolve));
  }

  stop(): void {
    this.isStopWanted = true;
    const supervisor = this.supervisor;
    if (supervisor !== undefined) this.#guard(this.name, () => supervisor.terminate());
  }

  kill(): void {
    const supervisor = this.supervisor;
    if (supervisor !== undefined) this.#guard(this.name, () => supervisor.killAll());
  }
}
