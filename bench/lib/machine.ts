/** Facts about the machine a run happened on, printed and stored with the numbers. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, release, totalmem } from 'node:os';
import { OURS_ROOT } from './impl.js';

export interface MachineFacts {
  date: string;
  cpus: number;
  cpuModel: string;
  memoryMiB: number;
  kernel: string;
  node: string;
  runit: string;
  /** Of the checkout measured as ours. */
  commit: string;
  ours: string;
  /** 1-minute load average at the start: how busy the shared machine was. */
  loadAtStart: number;
  loadAtEnd?: number;
}

function quietly(file: string, args: string[], cwd?: string): string {
  try {
    return execFileSync(file, args, { encoding: 'utf8', cwd, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function machineFacts(): MachineFacts {
  return {
    date: new Date().toISOString(),
    cpus: availableParallelism(),
    cpuModel: cpuModel(),
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    kernel: release(),
    node: process.version,
    runit: quietly('dpkg-query', ['-W', '-f', '${Version}', 'runit']),
    commit: quietly('git', ['describe', '--always', '--dirty'], OURS_ROOT),
    ours: OURS_ROOT,
    loadAtStart: loadavg()[0]!,
  };
}

export function currentLoad(): number {
  return loadavg()[0]!;
}
