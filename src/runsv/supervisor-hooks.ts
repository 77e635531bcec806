/**
 * Where the extension files (docs/extensions.md) hook into runsv's state machine: the calls the
 * Supervisor makes for its main service, each at one point of runit's sequence. Kept apart from
 * supervisor.ts so the state machine shows runit's logic with a handful of one-line calls.
 */
import type { Notice } from './notice.js';
import type { Want } from './record.js';

/** For the main service only; NO_HOOKS changes nothing (a plain runit directory). */
export interface SupervisorHooks {
  /** Whether ./run may start now; when not, the hooks call `recheck` once it may. */
  mayStart(recheck: () => void): boolean;
  started(kind: 'run' | 'finish', pid: number): void;
  noticed(pid: number, notice: Notice): void;
  /** `MAINPID=` was followed: `pid` is the main process now (main-pid.ts). */
  followed(pid: number): void;
  /** The signal a stop sends: runit's SIGTERM, or `down-signal` for `d` and `x`. */
  stopSignal(want: Want): NodeJS.Signals;
  stopSent(pid: number, want: Want): void;
  exited(kind: 'run' | 'finish', pid: number): void;
  /** After a death, before runit's one-second rule: true when a restart schedule replaces it. */
  replacesRestartRule(want: Want): boolean;
}

export const NO_HOOKS: SupervisorHooks = {
  mayStart: () => true,
  started: () => undefined,
  noticed: () => undefined,
  followed: () => undefined,
  stopSignal: () => 'SIGTERM',
  stopSent: () => undefined,
  exited: () => undefined,
  replacesRestartRule: () => false,
};
