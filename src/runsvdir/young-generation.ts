/**
 * V8 doubles the young generation (up to 2 x 16 MiB here) whenever most of a scavenge survives,
 * and starting hundreds of Supervisors at once is exactly that: every new Supervisor's promises
 * and handles live on. The grown semi-spaces stay committed and touched long after the burst,
 * because a supervisor at rest allocates too little to trigger the GC that would shrink them, so
 * at 1000 services they were ~28 MiB of the process's ~60 MiB. Holding the young generation at
 * its initial size costs a few more scavenges during a burst and nothing at rest.
 */
import { setFlagsFromString } from 'node:v8';

/** For a process that runs Supervisors; V8 reads the factor at each growth, so this works late. */
export function holdYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
