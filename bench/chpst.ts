/**
 * Whole-process start-up cost of our chpst against Node's floor and real chpst.
 * Run after a build: `node dist/bench/chpst.js [runs]`. Not a test: prints medians and ratios.
 *
 * Commands are interleaved round by round, so a burst of load on the (shared) machine hits every
 * command alike instead of skewing one median. Every command gets the same small environment:
 * variables such as NODE_EXTRA_CA_CERTS (Node parses the whole bundle at start-up) or a PATH
 * full of shim directories would otherwise dominate what is measured.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const runs = Number(process.argv[2] ?? 30);

const commands: Record<string, string[]> = {
  'node -e 0': [process.execPath, '-e', '0'],
  'our chpst -u nobody true': [join(root, 'bin/chpst'), '-u', 'nobody', 'true'],
  'real chpst -u nobody true': ['/usr/bin/chpst', '-u', 'nobody', 'true'],
  ...(process.argv[3] === undefined ? {} : { [process.argv.slice(3).join(' ')]: process.argv.slice(3) }),
};

const env = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, LANG: 'C' };

function timeOnce(argv: string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(argv[0]!, argv.slice(1), { stdio: 'ignore', env });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${result.status}`);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const samples = new Map<string, number[]>(Object.keys(commands).map((name) => [name, []]));
for (const argv of Object.values(commands)) timeOnce(argv); // warm the page cache
for (let round = 0; round < runs; round++) {
  for (const [name, argv] of Object.entries(commands)) samples.get(name)!.push(timeOnce(argv));
}

const floor = median(samples.get('node -e 0')!);
const real = median(samples.get('real chpst -u nobody true')!);
console.log(`${runs} runs each, medians:`);
for (const [name, values] of samples) {
  const value = median(values);
  console.log(`  ${name.padEnd(34)} ${value.toFixed(1).padStart(7)} ms  ${(value / floor).toFixed(2)}x node  ${(value / real).toFixed(1)}x real`);
}
