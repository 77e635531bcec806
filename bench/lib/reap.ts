/** Stopping what a scenario started: a leaf, so the scope and the supervisors it tracks both use it. */
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, killPid } from '../../test/helpers/procs.js';

/** Waits (bounded) until none of `pids` is alive, then KILLs what is left: pids of our own tree. */
export async function reapPids(pids: readonly number[], graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (pids.some(isAlive) && Date.now() < deadline) await sleep(20);
  for (const pid of pids) if (isAlive(pid)) killPid(pid, 'SIGKILL');
}
