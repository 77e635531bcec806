/**
 * 0 lines lost: a service writes numbered lines into its log service while the log service is
 * restarted (`sv restart`), rotated (`sv alarm`, and by size) and its disk (a small tmpfs) fills up
 * and is freed; then every number must be in the log exactly once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fill } from '../../test/helpers/tiny-disk.js';
import { withScope, type Scope } from '../lib/scope.js';
import { startTree } from '../lib/tree.js';
import { makeService, sv, timeUntil, writeScript, type Side, type StressContext, type StressScenario } from './common.js';

/** 100 lines per 20 ms at most: the log sees every kind of event while lines flow. */
const WRITER = `i=0
while [ ! -e ./stop ]; do
  j=0
  while [ $j -lt 100 ]; do i=$((i+1)); j=$((j+1)); echo "line $i"; done
  sleep 0.02
done
echo "end $i"
exec sleep 100000
`;
const DISK_MIB = 16;
const FULL_HOLD_MS = 1500;

interface Tally {
  written: number | undefined;
  distinct: number;
  lost: number;
  /** Where the first runs of lost lines start. */
  gaps: string[];
  duplicated: number;
  malformed: number;
}

/** Every line of every file svlogd keeps, oldest first (rotated files sort by their TAI64N name). */
function loggedText(logDir: string): string {
  const files = readdirSync(logDir).filter((file) => file.startsWith('@')).sort();
  if (existsSync(join(logDir, 'current'))) files.push('current');
  return files.map((file) => readFileSync(join(logDir, file), 'latin1')).join('');
}

function tally(text: string): Tally {
  const seen = new Map<number, number>();
  let written: number | undefined;
  let malformed = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const match = /^(line|end) (\d+)$/.exec(line);
    if (match === null) malformed += 1;
    else if (match[1] === 'end') written = Number(match[2]);
    else seen.set(Number(match[2]), (seen.get(Number(match[2])) ?? 0) + 1);
  }
  let lost = 0;
  let duplicated = 0;
  const gaps: string[] = [];
  for (let n = 1; n <= (written ?? 0); n++) {
    if (seen.has(n)) continue;
    if (n === 1 || seen.has(n - 1)) gaps.push(String(n));
    lost += 1;
  }
  for (const count of seen.values()) duplicated += count - 1;
  return { written, distinct: seen.size, lost, gaps: gaps.slice(0, 5), duplicated, malformed };
}

async function runSide(context: StressContext, scope: Scope, side: Side): Promise<void> {
  const { logRestarts, rotations, diskFulls } = context.sizes;
  const root = scope.tempDir(`log-${side.name}`);
  const disk = join(root, 'disk');
  mkdirSync(disk);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK_MIB}m`, 'tmpfs', disk]);
  scope.defer(() => {
    execFileSync('umount', ['-l', disk]);
  });
  const logDir = join(disk, 'main');
  mkdirSync(logDir);
  // n large enough that no rotated file is removed by count, and N = n so that a full disk makes
  // svlogd pause and retry instead of deleting the oldest file for room: every line stays countable.
  writeFileSync(join(logDir, 'config'), 's16384\nn100000\nN100000\n');
  const scan = join(root, 'sv');
  const service = makeService(join(scan, 'writer'), WRITER);
  mkdirSync(join(service, 'log'));
  writeScript(join(service, 'log', 'run'), `exec svlogd ${logDir}\n`);
  const tree = startTree(scope, side.impl, scan, side.name === 'ours-in-process' ? 'in-process' : 'default');
  const logService = join(service, 'log');
  if ((await timeUntil(() => existsSync(join(logDir, 'current')), 30_000)) === undefined) throw new Error(`${side.name}: the log never started`);

  const steps = Math.max(logRestarts, rotations, 1);
  const filler = join(disk, 'filler');
  let svFailures = 0;
  for (let step = 0; step < steps; step++) {
    const commands: string[] = [];
    if (Math.floor(((step + 1) * rotations) / steps) > Math.floor((step * rotations) / steps)) commands.push('alarm');
    if (Math.floor(((step + 1) * logRestarts) / steps) > Math.floor((step * logRestarts) / steps)) commands.push('restart');
    for (const command of commands) if ((await sv(side.impl, [command, logService])).code !== 0) svFailures += 1;
    if (Math.floor(((step + 1) * diskFulls) / steps) > Math.floor((step * diskFulls) / steps)) {
      fill(filler);
      await sleep(FULL_HOLD_MS);
      rmSync(filler);
    }
    await sleep(10);
  }
  writeFileSync(join(service, 'stop'), '');
  const settled = await timeUntil(() => tally(loggedText(logDir)).written !== undefined, 60_000, 200);
  const whyDead = tree.whyDead();
  await tree.stop();
  const result = tally(loggedText(logDir));
  const files = readdirSync(logDir).filter((file) => file.startsWith('@')).length;
  context.record({ side: side.name, metric: `lines written (${logRestarts} log restarts, ${rotations} sv alarm, ${diskFulls} disk full)`, value: result.written ?? 'end line never logged' });
  context.record({ side: side.name, metric: 'rotated files kept', value: files });
  context.record({ side: side.name, metric: 'lines lost', value: result.lost === 0 ? 0 : `${result.lost} (runs from ${result.gaps.join(', ')})`, isOk: settled !== undefined && result.lost === 0 });
  context.record({ side: side.name, metric: 'lines duplicated / malformed', value: `${result.duplicated} / ${result.malformed}`, isOk: result.duplicated === 0 && result.malformed === 0 });
  if (svFailures > 0 || whyDead !== undefined) context.record({ side: side.name, metric: 'sv failures / supervisor died', value: `${svFailures} / ${whyDead ?? 'no'}`, isOk: false });
}

export const LOG_LINES: StressScenario = {
  name: 'log-lines',
  what: 'numbered lines through a logged service; its log service restarted, rotated (sv alarm and s16384) and its 16 MiB tmpfs filled and freed; every number counted in the log',
  async run(context) {
    for (const side of context.sides(['ours-in-process', 'ours-runsv', 'runit'])) await withScope((scope) => runSide(context, scope, side));
  },
};
