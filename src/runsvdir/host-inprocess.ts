/**
 * `--in-process` (and the runit init): every Supervisor lives in this one Node process, so an
 * extra service costs kilobytes instead of a ~40 MB runtime. Each Supervisor is walled off: a
 * start failure, a throw or a rejected promise from one is reported and retried at the next
 * scan, never passed on to the others.
 */
import { join } from 'node:path';
import type { RunningSupervisor, SupervisorOptions } from '../runsv/index.js';
import { SupervisorStartError } from '../runsv/index.js';
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

  constructor(dir: string, startSupervisor: StartSupervisor, options: InProcessHostOptions = {}) {
    this.#dir = dir;
    this.#startSupervisor = startSupervisor;
    this.#options = options;
  }

  start(name: string, onEnded: () => void): InProcessService {
    let supervisor: RunningSupervisor | undefined;
    let isStopWanted = false;
    let resolveEnded: () => void = () => {};
    const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
    const hosted: InProcessService = {
      name,
      get supervisor() {
        return supervisor;
      },
      ended,
      stop: () => {
        isStopWanted = true;
        if (supervisor !== undefined) this.#guard(name, () => supervisor?.terminate());
      },
      kill: () => {
        if (supervisor !== undefined) this.#guard(name, () => supervisor?.killAll());
      },
    };
    this.#running.add(hosted);
    const end = (): void => {
      if (!this.#running.delete(hosted)) return;
      resolveEnded();
      onEnded();
    };
    const options: SupervisorOptions = { name };
    if (this.#options.writeDiagnostic !== undefined) options.writeDiagnostic = this.#options.writeDiagnostic;
    let starting: Promise<RunningSupervisor>;
    try {
      starting = this.#startSupervisor(join(this.#dir, name), options);
    } catch (error) {
      starting = Promise.reject(error);
    }
    starting.then(
      (started) => {
        supervisor = started;
        if (isStopWanted) this.#guard(name, () => started.terminate());
        started.exited.then(end, (error: unknown) => {
          this.#fault(name, error);
          end();
        });
      },
      (error: unknown) => {
        this.#fault(name, error);
        end();
      },
    );
    return hosted;
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
    if (error instanceof SupervisorStartError) {
      // What runsv would have printed before exiting 111 (RSV-32); runsvdir retries it (RSD-6).
      (this.#options.writeDiagnostic ?? writeFd2)(`runsv ${name}: fatal: ${error.message}\n`);
      return;
    }
    const text = error instanceof Error ? error.message : String(error);
    this.#options.warn?.(`supervisor ${name} failed: ${text}`);
  }
}

function writeFd2(line: string): void {
  process.stderr.write(line);
}
