/**
 * svlogd: 1M lines of ~100 B piped in (by cat, as a service would write them), plain, with -tt,
 * and with -tt rotating at 1 MB keeping 5 old files. Lines per second from spawn to exit, peak
 * RSS of svlogd alone (GNU time around it), and every byte checked afterwards.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { runBounded } from '../lib/bounded.js';
import { alternate, metric, samplesOf, SkipError, type Context, type Metric, type Scenario } from '../lib/scenario.js';
import { writeInput } from './svlogd-data.js';

const TIME = '/usr/bin/time';
const VERIFIER = fileURLToPath(new URL('./svlogd-verify.js', import.meta.url));

interface Mode {
  label: string;
  args: string[];
  config?: string;
  keptFiles?: number;
}

/**
 * svlogd's default config rotates at 1 MB and keeps 10 files: the first two modes say `s0` (no
 * rotation), so they measure the line path alone and every input byte can be checked.
 */
const MODES: Mode[] = [
  { label: 'plain', args: [], config: 's0\n' },
  { label: '-tt', args: ['-tt'], config: 's0\n' },
  { label: '-tt, s1000000 n5', args: ['-tt'], config: 's1000000\nn5\n', keptFiles: 6 },
];

/** Checks the log's bytes in a child process (see svlogd-verify.ts); throws with its reason. */
function verify(logDir: string, inputPath: string, mode: Mode): void {
  const args = [VERIFIER, logDir, inputPath, mode.args.includes('-tt') ? 'stamped' : 'plain', ...(mode.keptFiles === undefined ? [] : [String(mode.keptFiles)])];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`svlogd ${mode.label}: ${result.stderr || result.error?.message || `verifier exited ${result.status}`}`);
}

async function run(ctx: Context): Promise<Metric[]> {
  if (!existsSync(TIME)) throw new SkipError(`${TIME} (GNU time, for peak RSS) is not installed`);
  const lines = ctx.options.isQuick ? 100_000 : 1_000_000;
  const dir = ctx.scope.tempDir('svlogd');
  const inputPath = join(dir, 'input');
  writeInput(inputPath, lines);
  const metrics: Metric[] = [];
  for (const mode of MODES) {
    const speed = metric(`${mode.label}: lines/s`, 'lines/s', 'higher', { goal: { kind: 'ratio-at-least', value: 2 } });
    const rss = metric(`${mode.label}: peak RSS`, 'KiB', 'lower', { goal: { kind: 'ours-at-most', value: 25 * 1024 } });
    metrics.push(speed, rss);
    await alternate(ctx.rounds, [ctx.ours, ctx.runit], async (impl, round) => {
      const logDir = join(dir, `log-${impl.name}-${round}`);
      mkdirSync(logDir);
      if (mode.config !== undefined) writeFileSync(join(logDir, 'config'), mode.config);
      const rssFile = join(dir, 'rss');
      const script = 'in=$1 out=$2; shift 2; cat "$in" | exec "$@"';
      const start = performance.now();
      const done = await runBounded(
        ctx.scope,
        '/bin/sh',
        ['-c', script, 'sh', inputPath, rssFile, TIME, '-f', '%M', '-o', rssFile, impl.bin('svlogd'), ...mode.args, logDir],
        { env: impl.env },
        120_000,
      );
      const seconds = (performance.now() - start) / 1000;
      if (done.code !== 0) throw new Error(`${impl.name} svlogd ${mode.label} exited ${done.code ?? done.signal}: ${done.stderr}`);
      verify(logDir, inputPath, mode);
      samplesOf(speed, impl).push(lines / seconds);
      samplesOf(rss, impl).push(Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()));
      rmSync(logDir, { recursive: true, force: true });
    });
    ctx.log(`${mode.label}: done`);
  }
  return metrics;
}

export const svlogd: Scenario = {
  name: 'svlogd',
  title: '1M lines of ~100 B: plain and -tt (s0), -tt rotating (s1000000 n5); lines/s and peak RSS, bytes verified',
  needs: ['svlogd'],
  rounds: { normal: 3, quick: 1 },
  run,
};
