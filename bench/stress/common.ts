/**
 * What every stress scenario shares: the sides it runs on, the findings it records, and what /proc
 * says about the processes of a tree (who is alive, a zombie, a duplicate).
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { OURS, RUNIT, type Impl } from '../lib/impl.js';
import type { StressSizes } from './options.js';

/**
 * Where a scenario runs: our runsvdir with every Supervisor in process, our runsvdir with a runsv
 * process per service (runit's topology), our init (`runit DIR`), and real runit.
 */
export type SideName = 'ours-in-process' | 'ours-runsv' | 'ours-init' | 'runit';

export interface Side {
  readonly name: SideName;
  readonly impl: Impl;
}

export const SIDES: Record<SideName, Side> = {
  'ours-in-process': { name: 'ours-in-process', impl: OURS },
  'ours-runsv': { name: 'ours-runsv', impl: OURS },
  'ours-init': { name: 'ours-init', impl: OURS },
  runit: { name: 'runit', impl: RUNIT },
};

/** One measured figure; `isOk` is the target met (undefined where there is none). */
export interface Finding {
  scenario: string;
  /** 'harness' when the scenario itself failed (a tree that never started, a bug of ours here). */
  side: SideName | 'harness';
  metric: string;
  value: string | number;
  isOk?: boolean;
}

export interface StressContext {
  readonly sizes: StressSizes;
  /** The scenario's sides that the run asked for (`--sides`), in the scenario's order. */
  sides(candidates: readonly SideName[]): Side[];
  record(finding: Omit<Finding, 'scenario'> & { side: SideName }): void;
  log(message: string): void;
}

export interface StressScenario {
  readonly name: string;
  /** One line for the report: what is done and what is counted. */
  readonly what: string;
  /** Runs each side in a scope of its own (bench/lib/scope.ts), so nothing outlives it. */
  run(context: StressContext): Promise<void>;
}

export function writeScript(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}`);
  chmodSync(path, 0o755);
}

/** A service directory with `run` (and `finish` when given). */
export function makeService(dir: string, run: string, finish?: string): string {
  mkdirSync(dir, { recursive: true });
  writeScript(join(dir, 'run'), run);
  if (finish !== undefined) writeScript(join(dir, 'finish'), finish);
  return dir;
}

export interface Proc {
  pid: number;
  ppid: number;
  /** /proc/PID/stat's state letter: R S D T Z ... */
  state: string;
  cwd: string;
  /** argv joined by spaces. */
  command: string;
}

/** Every process /proc shows now (those that vanish while being read are left out). */
export function listProcs(): Proc[] {
  const procs: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        // a zombie has no cwd
      }
      const command = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
      procs.push({ pid, ppid: Number(fields[1]), state: fields[0]!, cwd, command });
    } catch {
      // gone
    }
  }
  return procs;
}

/** Live (not zombie) processes working in `dir` or below it. */
export function procsWithin(dir: string, procs: readonly Proc[] = listProcs()): Proc[] {
  return procs.filter((p) => p.state !== 'Z' && p.state !== 'X' && (p.cwd === dir || p.cwd.startsWith(`${dir}/`)));
}

export interface RunResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a program to its end (bounded), as a user at a shell would. */
export function runProgram(file: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: timeoutMs, encoding: 'latin1', maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      const failure = error as (NodeJS.ErrnoException & { code?: number | string; signal?: string }) | null;
      resolve({
        code: failure === null ? 0 : typeof failure.code === 'number' ? failure.code : null,
        signal: failure?.signal ?? null,
        stdout,
        stderr,
        ms: Date.now() - started,
      });
    });
  });
}

export function sv(impl: Impl, args: readonly string[], timeoutMs?: number): Promise<RunResult> {
  return runProgram(impl.bin('sv'), args, impl.env, timeoutMs);
}

/** Polls until `probe` holds or the deadline passes; the time it took, or undefined on timeout. */
export async function timeUntil(probe: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<number | undefined> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) return undefined;
    await sleep(intervalMs);
  }
}

export function mib(kib: number): string {
  return `${(kib / 1024).toFixed(1)} MiB`;
}
