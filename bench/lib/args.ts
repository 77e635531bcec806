/** `npm run bench -- [--quick] [--only a,b] [--rounds N] [--out FILE.json]`. */
import { join } from 'node:path';
import { REPO_ROOT } from '../../test/helpers/binaries.js';
import type { BenchOptions } from './scenario.js';

export const USAGE = 'usage: node dist/bench/run.js [--quick] [--only scenario[,scenario...]] [--rounds N] [--out FILE.json]';

export function parseArgs(args: readonly string[], known: readonly string[]): BenchOptions {
  const options: BenchOptions = { isQuick: false, rounds: undefined, only: undefined, out: join(REPO_ROOT, 'bench/results/latest.json') };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    if (arg === '--quick') options.isQuick = true;
    else if (arg === '--only') options.only = [...(options.only ?? []), ...value().split(',')];
    else if (arg === '--rounds') {
      const rounds = Number(value());
      if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds wants a positive integer\n${USAGE}`);
      options.rounds = rounds;
    } else if (arg === '--out') options.out = value();
    else if (arg === '--worker') options.worker = { name: value(), result: options.worker?.result ?? '' };
    else if (arg === '--result') options.worker = { name: options.worker?.name ?? '', result: value() };
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  const unknown = [...(options.only ?? []), ...(options.worker === undefined ? [] : [options.worker.name])].find((name) => !known.includes(name));
  if (unknown !== undefined) throw new Error(`unknown scenario ${unknown}; scenarios: ${known.join(', ')}`);
  return options;
}
