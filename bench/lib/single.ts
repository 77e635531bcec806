/**
 * One supervised sleeper per side, for the scenarios that time a single service: under a runsv
 * process on each side, and, once runsvdir is built, also under our `runsvdir --in-process`
 * (what the runit init uses), compared with the same real runsv.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Impl } from './impl.js';
import type { Scope } from './scope.js';
import { isRunning, waitStatus } from './status.js';
import { MIN_UPTIME_MS, makeSleeper, startRunsv } from './supervise.js';
import { programsFor, startTree } from './tree.js';

export interface Host {
  label: string;
  impl: Impl;
  isInProcess: boolean;
}

export function singleHosts(ours: Impl, runit: Impl): Host[] {
  const hosts: Host[] = [
    { label: 'runsv', impl: ours, isInProcess: false },
    { label: 'runsv', impl: runit, isInProcess: false },
  ];
  if (ours.whyNot(programsFor('in-process')) === undefined) hosts.push({ label: 'runsvdir --in-process', impl: ours, isInProcess: true });
  return hosts;
}

export interface SupervisedSleeper {
  dir: string;
  pid: number;
  /** performance.now() when it was first seen running. */
  since: number;
}

/** Supervises the service `parent/NAME` (its only entry) with `host`; resolves with the supervisor's pid. */
export async function startHost(scope: Scope, host: Host, parent: string, name: string): Promise<number> {
  if (host.isInProcess) return startTree(scope, host.impl, parent, 'in-process').rootPids[0]!;
  return (await startRunsv(scope, host.impl, parent, name)).pid;
}

/** A sleeper supervised by `host` in a fresh directory, once it runs. */
export async function superviseSleeper(scope: Scope, host: Host, label: string): Promise<SupervisedSleeper> {
  const parent = scope.tempDir(`${label}-${host.impl.name}`);
  const dir = makeSleeper(join(parent, 'svc'));
  await startHost(scope, host, parent, 'svc');
  const seen = await waitStatus(dir, `${host.impl.name} ${host.label}: service running`, isRunning);
  return { dir, pid: seen.status.pid, since: seen.at };
}

/**
 * A sleeper per host, all supervised at once for the whole scenario, so that one's wait for
 * runsv's pause passes while another is measured.
 */
export async function superviseSleepers(scope: Scope, hosts: readonly Host[], label: string): Promise<Map<Host, SupervisedSleeper>> {
  const services = new Map<Host, SupervisedSleeper>();
  for (const host of hosts) services.set(host, await superviseSleeper(scope, host, label));
  return services;
}

/** Waits until `service` has run past runsv's one-second pause, so the next command or kill is not held by it. */
export async function pastMinUptime(service: SupervisedSleeper): Promise<void> {
  const wait = service.since + MIN_UPTIME_MS - performance.now();
  if (wait > 0) await sleep(wait);
}
