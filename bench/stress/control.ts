/**
 * 0 crashes, 0 duplicates, a coherent status: a tree of N services under random control traffic
 * for S seconds: C concurrent writers of every control character, random bytes and 1 MiB writes
 * into `supervise/control`; ours and runit's `sv` with random commands; status files overwritten
 * with truncated or random records under a reading Client. Then `cu` to every service: each must
 * come back running, one process, named by its status.
 */
import { closeSync, constants, openSync, writeFileSync, writeSync } from 'node:fs';
import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '../../src/client/client.js';
import { RunitError } from '../../src/errors.js';
import { isAlive } from '../../test/helpers/procs.js';
import { readStatus } from '../../test/helpers/supervise-files.js';
import { OURS, RUNIT } from '../lib/impl.js';
import { rssKiB } from '../lib/procfs.js';
import { withScope, type Scope } from '../lib/scope.js';
import { startTree, type Tree } from '../lib/tree.js';
import { listProcs, makeService, mib, procsWithin, sv, timeUntil, type Side, type StressContext, type StressScenario } from './common.js';

const CONTROL_CHARACTERS = 'udopchaiq12tkxe';
const SV_COMMANDS = ['status', 'up', 'down', 'once', 'pause', 'cont', 'hup', 'alarm', 'interrupt', '1', '2', 'term', 'kill', 'exit'];
const MiB = 1 << 20;

interface Traffic {
  writes: number;
  refused: number;
  megabyteWrites: number;
  svRuns: number;
  svCrashes: string[];
  corruptions: number;
  clientReads: number;
  clientErrors: Map<string, number>;
  clientCrashes: string[];
  mostInstances: number;
}

/** What a user's program would do: open without blocking, write, close (SV-8). */
function writeControl(dir: string, bytes: Buffer): 'ok' | 'refused' {
  let fd: number;
  try {
    fd = openSync(join(dir, 'supervise/control'), constants.O_WRONLY | constants.O_NONBLOCK);
  } catch {
    return 'refused';
  }
  try {
    writeSync(fd, bytes);
    return 'ok';
  } catch {
    return 'refused';
  } finally {
    closeSync(fd);
  }
}

function randomControl(): Buffer {
  const dice = Math.random();
  if (dice < 0.9) return Buffer.from(CONTROL_CHARACTERS[randomInt(CONTROL_CHARACTERS.length)]!, 'latin1');
  if (dice < 0.999) return randomBytes(randomInt(1, 512));
  return randomBytes(MiB);
}

function instancesPerService(scan: string, dirs: readonly string[]): number {
  const procs = procsWithin(scan, listProcs());
  let most = 0;
  for (const dir of dirs) most = Math.max(most, procs.filter((p) => p.cwd === dir && p.command.startsWith('sleep ')).length);
  return most;
}

async function generateTraffic(context: StressContext, scan: string, dirs: readonly string[], tree: Tree, traffic: Traffic): Promise<string | undefined> {
  const until = Date.now() + context.sizes.seconds * 1000;
  const pick = (): string => dirs[randomInt(dirs.length)]!;
  const writer = async (): Promise<void> => {
    while (Date.now() < until) {
      const bytes = randomControl();
      if (bytes.length === MiB) traffic.megabyteWrites += 1;
      if (writeControl(pick(), bytes) === 'refused') traffic.refused += 1;
      traffic.writes += 1;
      await sleep(randomInt(10, 30));
    }
  };
  const svCaller = async (): Promise<void> => {
    for (let turn = 0; Date.now() < until; turn++) {
      const impl = turn % 2 === 0 ? OURS : RUNIT;
      const result = await sv(impl, [SV_COMMANDS[randomInt(SV_COMMANDS.length)]!, ...Array.from({ length: 5 }, pick)], 30_000);
      traffic.svRuns += 1;
      if (result.signal !== null || result.code === null || /^\s+at /m.test(result.stderr)) traffic.svCrashes.push(`${impl.name} sv: ${result.code ?? result.signal} ${result.stderr.slice(0, 300)}`);
      await sleep(200);
    }
  };
  const corrupter = async (): Promise<void> => {
    while (Date.now() < until) {
      const record = Math.random() < 0.5 ? randomBytes(randomInt(0, 20)) : randomBytes(20);
      try {
        writeFileSync(join(pick(), 'supervise/status'), record);
        traffic.corruptions += 1;
      } catch {
        // the supervisor renamed a new record in meanwhile
      }
      await sleep(200);
    }
  };
  const reader = async (): Promise<void> => {
    while (Date.now() < until) {
      try {
        await new Client(pick()).status();
        traffic.clientReads += 1;
      } catch (error) {
        if (error instanceof RunitError) traffic.clientErrors.set(error.code, (traffic.clientErrors.get(error.code) ?? 0) + 1);
        else traffic.clientCrashes.push(String(error));
      }
      await sleep(5);
    }
  };
  let whyDead: string | undefined;
  const watcher = async (): Promise<void> => {
    while (Date.now() < until && whyDead === undefined) {
      traffic.mostInstances = Math.max(traffic.mostInstances, instancesPerService(scan, dirs));
      whyDead = tree.whyDead();
      await sleep(2000);
    }
  };
  await Promise.all([...Array.from({ length: context.sizes.clients }, writer), svCaller(), corrupter(), reader(), watcher()]);
  return whyDead ?? tree.whyDead();
}

/** Why a service is not coherent (running, one process in its dir, the one its status names), or undefined. */
function whyIncoherent(dir: string, procs: ReturnType<typeof listProcs>): string | undefined {
  const record = readStatus(dir);
  const inside = procs.filter((p) => p.cwd === dir && p.state !== 'Z' && p.command.startsWith('sleep '));
  const seen = `status ${record === undefined ? 'unreadable' : `state ${record.state} pid ${record.pid} want ${record.want}${record.isPaused ? ' paused' : ''}`}, processes ${inside.map((p) => `${p.pid}${p.state}`).join(' ') || 'none'}`;
  if (record === undefined || record.state !== 1 || record.pid === 0 || !isAlive(record.pid)) return seen;
  return inside.length === 1 && inside[0]!.pid === record.pid ? undefined : seen;
}

const isCoherent = (dir: string, procs: ReturnType<typeof listProcs>): boolean => whyIncoherent(dir, procs) === undefined;

async function runSide(context: StressContext, scope: Scope, side: Side): Promise<void> {
  const root = scope.tempDir(`control-${side.name}`);
  const scan = join(root, 'sv');
  const dirs = Array.from({ length: context.sizes.services }, (_, i) => makeService(join(scan, `s${String(i).padStart(4, '0')}`), 'exec sleep 100000\n'));
  const tree = startTree(scope, side.impl, scan, side.name === 'ours-in-process' ? 'in-process' : 'default');
  const allRunning = (): boolean => dirs.every((dir) => readStatus(dir)?.state === 1);
  if ((await timeUntil(allRunning, 300_000, 500)) === undefined) throw new Error(`${side.name}: the ${dirs.length} services never all ran`);
  const supervisorsKiB = (): number => tree.supervisingPids().reduce((sum, pid) => sum + rssKiB(pid), 0);
  const rssBefore = supervisorsKiB();
  const traffic: Traffic = { writes: 0, refused: 0, megabyteWrites: 0, svRuns: 0, svCrashes: [], corruptions: 0, clientReads: 0, clientErrors: new Map(), clientCrashes: [], mostInstances: 0 };
  const whyDead = await generateTraffic(context, scan, dirs, tree, traffic);
  const settleStarted = Date.now();
  let lastReport = settleStarted;
  const settled = await timeUntil(
    () => {
      const procs = listProcs();
      const stray = dirs.filter((dir) => !isCoherent(dir, procs));
      for (const dir of stray) writeControl(dir, Buffer.from('cu'));
      if (stray.length > 0 && Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        context.log(`${side.name}: ${stray.length} not yet coherent after ${Math.round((lastReport - settleStarted) / 1000)} s, e.g. ${stray[0]!.slice(scan.length + 1)}: ${whyIncoherent(stray[0]!, procs)}`);
      }
      traffic.mostInstances = Math.max(traffic.mostInstances, instancesPerService(scan, dirs));
      return stray.length === 0;
    },
    120_000,
    1000,
  );
  const procs = listProcs();
  const incoherent = dirs.filter((dir) => !isCoherent(dir, procs)).length;
  const rssAfter = supervisorsKiB();
  const record = (metric: string, value: string | number, isOk?: boolean): void => context.record({ side: side.name, metric, value, ...(isOk === undefined ? {} : { isOk }) });
  record(`control writes by ${context.sizes.clients} clients in ${context.sizes.seconds} s (refused: no reader / pipe full)`, `${traffic.writes} (${traffic.refused}), ${traffic.megabyteWrites} of 1 MiB`);
  record('sv runs (ours and runit\'s alternately) / crashed', `${traffic.svRuns} / ${traffic.svCrashes.length}`, traffic.svCrashes.length === 0);
  record('status records corrupted / Client reads ok / errors by code', `${traffic.corruptions} / ${traffic.clientReads} / ${[...traffic.clientErrors].map(([code, n]) => `${code} ${n}`).join(', ') || 'none'}`);
  record('Client crashes (not a RunitError)', traffic.clientCrashes.length, traffic.clientCrashes.length === 0);
  record('supervisor tree died', whyDead ?? 'no', whyDead === undefined && tree.whyDead() === undefined);
  record('most instances of one service at once', traffic.mostInstances, traffic.mostInstances <= 1);
  record('after cu to all: time until every status is running and names the one process', settled === undefined ? `not within 120 s (${incoherent} of ${dirs.length} not)` : `${(settled / 1000).toFixed(1)} s`, settled !== undefined);
  record('supervisors\' RSS before → after', `${mib(rssBefore)} → ${mib(rssAfter)}`);
  for (const crash of [...traffic.svCrashes, ...traffic.clientCrashes].slice(0, 5)) context.log(`${side.name}: ${crash}`);
}

export const CONTROL: StressScenario = {
  name: 'control',
  what: 'N services; C clients write random control characters, random bytes and 1 MiB into supervise/control, sv (ours and runit\'s) sends random commands, status records are corrupted under a reading Client; then cu to all',
  async run(context) {
    for (const side of context.sides(['ours-in-process', 'runit'])) await withScope((scope) => runSide(context, scope, side));
  },
};
