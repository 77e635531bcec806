// Side-by-side throughput of our svlogd and runit's: 1M lines of ~100 bytes with -tt, once with
// the default config and once with `s1000000 n5`. Reports lines per second, the ratio, and peak
// RSS (GNU time's maximum resident set size). Run: npx tsc -p . && node dist/bench/svlogd.js
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const LINES = Number(process.env['BENCH_LINES'] ?? 1_000_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const OURS = resolve(fileURLToPath(import.meta.url), '../../../bin/svlogd');
const REAL = '/usr/bin/svlogd';

function makeInput(path: string): void {
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < LINES; i++) {
    const head = `bench line ${i} `;
    chunk += head + 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(3).slice(0, 99 - head.length) + '\n';
    if (chunk.length > 1 << 20) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  writeFileSync(path, parts.join(''));
}

/** One run: `cat input | time svlogd -tt dir`; returns seconds and peak RSS in KiB. */
function runOnce(bin: string, root: string, input: string, config: string | undefined): { seconds: number; rssKib: number } {
  const dir = join(root, `log-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  if (config !== undefined) writeFileSync(join(dir, 'config'), config);
  const script = `cat "$1" | /usr/bin/time -f '%e %M' "$2" -tt "$3" 2>&1 >/dev/null | tail -n 1`;
  const out = execFileSync('sh', ['-c', script, 'sh', input, bin, dir], { encoding: 'utf8' }).trim();
  rmSync(dir, { recursive: true, force: true });
  const [seconds, rss] = out.split(' ').map(Number);
  return { seconds: seconds!, rssKib: rss! };
}

function best(bin: string, root: string, input: string, config: string | undefined): { seconds: number; rssKib: number } {
  const runs = Array.from({ length: ROUNDS }, () => runOnce(bin, root, input, config));
  return {
    seconds: Math.min(...runs.map((r) => r.seconds)),
    rssKib: Math.max(...runs.map((r) => r.rssKib)),
  };
}

const root = mkdtempSync(join(tmpdir(), 'svlogd-bench-'));
try {
  const input = join(root, 'input');
  makeInput(input);
  for (const [label, config] of [
    ['-tt, default config', undefined],
    ['-tt, s1000000 n5', 's1000000\nn5\n'],
  ] as const) {
    const real = best(REAL, root, input, config);
    const ours = best(OURS, root, input, config);
    const rate = (r: { seconds: number }): string => `${Math.round(LINES / r.seconds).toLocaleString('en')} lines/s`;
    console.log(`${label}:`);
    console.log(`  runit svlogd: ${real.seconds.toFixed(2)} s, ${rate(real)}, peak RSS ${(real.rssKib / 1024).toFixed(1)} MB`);
    console.log(`  our svlogd:   ${ours.seconds.toFixed(2)} s, ${rate(ours)}, peak RSS ${(ours.rssKib / 1024).toFixed(1)} MB`);
    console.log(`  ratio (ours/runit lines per second): ${(real.seconds / ours.seconds).toFixed(2)}x`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
