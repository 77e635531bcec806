/**
 * At the init's stop, the services of its tree that still run with no supervisor: left by a
 * supervisor that died and not taken over by the next one (which takes over what it finds, see
 * docs/runsv.md), e.g. because that one could not start. They are named and stopped in runsv's
 * order (services, then their log services) within the grace period.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import { findOrphans, stopOrphans } from '../client/orphans.js';

/** Returns how many had to be KILLed at the grace period. */
export async function stopTreeOrphans(dir: string, graceMillis: number, clock: Clock, warn: (text: string) => void): Promise<number> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => !name.startsWith('.'));
  } catch {
    return 0;
  }
  const orphans = findOrphans(names.map((name) => join(dir, name)));
  for (const { dir: where, pid } of orphans) warn(`stopping pid ${pid} of ${where}: left running by a supervisor that is gone`);
  const killed = await stopOrphans(orphans, graceMillis, clock);
  for (const { dir: where, pid } of killed) warn(`killed at the grace period: pid ${pid} of ${where}`);
  return killed.length;
}
