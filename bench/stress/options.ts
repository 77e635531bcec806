/**
 * `npm run stress -- [--only a,b] [--sides ours,runit] [sizes...] [--out FILE.json]`. The sizes
 * default to issue 14's; a shared machine may run them smaller, and the report says which ran.
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../../test/helpers/binaries.js';

export interface StressSizes {
  /** log-lines: log service restarts, forced rotations (`sv alarm`) and disk-full episodes. */
  logRestarts: number;
  rotations: number;
  diskFulls: number;
  /** zombies: double-forked orphans under the init as PID 1. */
  orphans: number;
  /** control, churn: services in the tree; control: concurrent clients and seconds of traffic. */
  services: number;
  clients: number;
  seconds: number;
  /** memory: restarts in all, spread over `memoryServices` services (runit's 1-second rule). */
  restarts: number;
  memoryServices: number;
  /** churn: how many services are removed, added and replaced in the burst; files in one dir. */
  churn: number;
  manyFiles: number;
}

export interface StressOptions {
  only: string[] | undefined;
  sides: string[] | undefined;
  sizes: StressSizes;
  out: string;
}

export const ISSUE_SIZES: StressSizes = {
  logRestarts: 100,
  rotations: 300,
  diskFulls: 3,
  orphans: 1000,
  services: 500,
  clients: 50,
  seconds: 60,
  restarts: 10_000,
  memoryServices: 100,
  churn: 100,
  manyFiles: 10_000,
};

const SIZE_FLAGS: Record<string, keyof StressSizes> = {
  '--log-restarts': 'logRestarts',
  '--rotations': 'rotations',
  '--disk-fulls': 'diskFulls',
  '--orphans': 'orphans',
  '--services': 'services',
  '--clients': 'clients',
  '--seconds': 'seconds',
  '--restarts': 'restarts',
  '--memory-services': 'memoryServices',
  '--churn': 'churn',
  '--many-files': 'manyFiles',
};

export const USAGE = `usage: node dist/bench/stress/run.js [--only scenario[,...]] [--sides side[,...]] [--out FILE.json] [${Object.keys(SIZE_FLAGS).join(' N] [')} N]`;

export function parseStressArgs(args: readonly string[], scenarios: readonly string[]): StressOptions {
  const options: StressOptions = { only: undefined, sides: undefined, sizes: { ...ISSUE_SIZES }, out: join(REPO_ROOT, 'bench/results/stress.json') };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    const size = SIZE_FLAGS[arg];
    if (size !== undefined) {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) throw new Error(`${arg} wants a whole number\n${USAGE}`);
      options.sizes[size] = n;
    } else if (arg === '--only') options.only = [...(options.only ?? []), ...value().split(',')];
    else if (arg === '--sides') options.sides = [...(options.sides ?? []), ...value().split(',')];
    else if (arg === '--out') options.out = value();
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  const unknown = (options.only ?? []).find((name) => !scenarios.includes(name));
  if (unknown !== undefined) throw new Error(`unknown scenario ${unknown}; scenarios: ${scenarios.join(', ')}`);
  return options;
}
