/**
 * `--in-process` (and the runit init): every Supervisor lives in this one Node process, so an
 * extra service costs kilobytes instead of a ~40 MB runtime. Each Supervisor is walled off: a
 * start failure, a throw or a rejected promise from one is reported and retried at the next
 * scan, never passed on to the others.
 */
import { join } from 'node:path';
import type { RunningSupervisor, SupervisorOptions } from '../runsv/index.js';
import { RunitError } from '../errors.js';
import type { HostedService, ServiceHost } from './scanner.js';

export type StartSupervisor = (dir: string, options?: SupervisorOptions) => Promise<RunningSupervisor>;

export interface InProcessHostOptions {
  /** Each Supervisor's diagnostic lines (each ends in \n); defaults to fd 2. */
  writeDiagnostic?: (line: string) => void;
  /** A runsvdir-level warning, after `runsvdir DIR: warning: `, for faults that are not runit's. */
  warn?: (text: string) => void;
}

export interface InProcessService extends HostedService {
  /** Undefined until the Supervisor has started. */
  readonly supervisor: RunningSupervisor | undefined;
}

export class InProcessHost implements ServiceHost {
  readonly #dir: string;
  readonly #startSupervisor: StartSupervisor;
  readonly #options: InProcessHostOptions;
  readonly #running = new Set<InProcessService>();
  readonly #guardBound: Guard = (name, action) => this.#guard(name, action);

  constructor(dir: string, startSupervisor: StartSupervisor, options: InProcessHostOptions = {}) {
    this.#dir = dir;
    this.#startSupervisor = startSupervisor;
    this.#options = options;
  }

  start(name: string, onEnded: () => void): InProcessService {
    const hosted = new HostedSupervisor(name, this.#guardBound);
    this.#running.add(hosted);
    void this.#supervise(hosted, onEnded);
    return hosted;
  }

  /** One suspended call per service instead of a set of closures: the host keeps a thousand. */
  async #supervise(hosted: HostedSupervisor, onEnded: () => void): Promise<void> {
    const { name } = hosted;
    const options: SupervisorOptions = { name };
    if (this.#options.writeDiagnostic !== undefined) options.writeDiagnostic = this.#options.writeDiagnostic;
    try {
      const started = await this.#startSupervisor(join(this.#dir, name), options);
      hosted.supervisor = started;
      if (hosted.isStopWanted) this.#guard(name, () => started.terminate());
      await started.exited;
    } catch (error) {
      this.#fault(name, error);
    }
    this.#running.delete(hosted);
    hosted.resolveEnded();
    onEnded();
  }

  /** The Supervisors still running (or starting). */
  running(): InProcessService[] {
    return [...this.#running];
  }

  #guard(name: string, action: () => void): void {
    try {
      action();
    } catch (error) {
      this.#fault(name, error);
    }
  }

  #fault(name: string, error: unknown): void {
    if (error instanceof RunitError && error.code === 'ERR_SUPERVISOR_START') {
      // What runsv would have printed before exiting 111 (RSV-32); runsvdir retries it (RSD-6).
      (this.#options.writeDiagnostic ?? writeFd2)(`runsv ${name}: fatal: ${error.message}\n`);
      return;
    }
    const text = error instanceof Error ? error.message : String(error);
    this.#options.warn?.(`supervisor ${name} failed: ${text}`);
  }
}

type Guard = (name: string, action: () => void) => void;

function noop(): void {}

/** Methods on a prototype, not closures: an in-process host keeps one of these per service. */
class HostedSupervisor implements InProcessService {
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

function writeFd2(line: string): void {
  process.stderr.write(line);
}
