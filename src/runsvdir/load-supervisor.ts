/**
 * runsv's in-process entry point, imported only when a tree is run in this process: plain
 * runsvdir (one runsv process per service) never loads the Supervisor's graph (and koffi's
 * addon with it). Nothing else in runsvdir/ imports runsv/ by value.
 */
import type { StartSupervisor } from './in-process-supervisors.js';

export async function loadStartSupervisor(): Promise<StartSupervisor> {
  return (await import('../runsv/index.js')).startSupervisor;
}
