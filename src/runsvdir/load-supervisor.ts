/**
 * Loads runsv's in-process entry point only when a tree is hosted in process, so plain runsvdir
 * (one runsv process per service) never pays for the Supervisor's import graph at start-up.
 */
import type { StartSupervisor } from './host-inprocess.js';

/** runsv's `startSupervisor`, or undefined when this build has no in-process Supervisor. */
export async function loadStartSupervisor(): Promise<StartSupervisor | undefined> {
  const runsv = (await import('../runsv/index.js')) as { startSupervisor?: StartSupervisor };
  return typeof runsv.startSupervisor === 'function' ? runsv.startSupervisor : undefined;
}
