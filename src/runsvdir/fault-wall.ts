/**
 * The last wall between in-process Supervisors: an exception that escapes one of them (from an
 * event callback, where no promise can catch it) is reported and the process goes on, because
 * exiting would leave every other service unsupervised (and, as PID 1, end the container).
 *
 * Only a Supervisor's faults are walled off. Each one runs inside `asSupervisor`, and what it
 * starts there (child processes, timers, streams, promises) carries that origin to its callbacks;
 * a fault without it is the program's own bug, and crashes the program as it would unwalled.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const origin = new AsyncLocalStorage<string>();

/** Runs `action` (and everything it sets going) as the Supervisor of service `name`. */
export function asSupervisor<T>(name: string, action: () => T): T {
  return origin.run(name, action);
}

export function installFaultWall(warn: (text: string) => void): void {
  const wall = (error: unknown): void => {
    const name = origin.getStore();
    if (name === undefined) return crash(error);
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    warn(`internal error, continuing: ${text.split('\n').slice(0, 3).join(' | ')}`);
  };
  const crash = (error: unknown): void => {
    process.off('uncaughtException', wall);
    process.off('unhandledRejection', wall);
    // Thrown again with no wall left: Node reports it and exits as it would have without one.
    process.nextTick(() => {
      throw error;
    });
  };
  process.on('uncaughtException', wall);
  process.on('unhandledRejection', wall);
}
