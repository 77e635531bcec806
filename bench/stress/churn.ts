/**
 * Tree churn: a tree of N services; in one burst K service dirs are removed, K replaced (a new
 * directory renamed over the name) and K added, with names holding spaces, UTF-8 and bytes that
 * are not UTF-8, one service dir with F files, and symlinks to dirs that do not exist. Then every
 * service that should run must run exactly once, as its newest `run` says, and nothing of a
 * removed or replaced dir may be left.
 */
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readStatus } from '../../test/helpers/supervise-files.js';
import { withScope, type Scope } from '../lib/scope.js';
import { startTree } from '../lib/tree.js';
import { listProcs, makeService, timeUntil, type Side, type StressContext, type StressScenario } from './common.js';

const GHOSTS = 10;
/** A service's `run` sleeps for its token, so /proc tells which generation of which service runs. */
const tokenOf = (generation: number, index: number): number => 77_000_000 + generation * 100_000 + index;

/** token → live processes carrying it. */
function runningTokens(): Map<number, number> {
  const counts = new Map<number, number>();
  for (const proc of listProcs()) {
    const match = /^sleep (77\d{6})$/.exec(proc.command);
    if (match === null || proc.state === 'Z') continue;
    counts.set(Number(match[1]), (counts.get(Number(match[1])) ?? 0) + 1);
  }
  return counts;
}

/** A name as bytes: the names that are not UTF-8 only exist as Buffers. */
type Name = string | Buffer;
const pathIn = (dir: string, name: Name): string | Buffer => (typeof name === 'string' ? join(dir, name) : Buffer.concat([Buffer.from(`${dir}/`), name]));

async function runSide(context: StressContext, scope: Scope, side: Side): Promise<void> {
  const { services, churn, manyFiles } = context.sizes;
  const root = scope.tempDir(`churn-${side.name}`);
  const scan = join(root, 'sv');
  const staging = join(root, 'staging');
  mkdirSync(staging);
  const name = (i: number): string => `s${String(i).padStart(4, '0')}`;
  for (let i = 0; i < services; i++) makeService(join(scan, name(i)), `exec sleep ${tokenOf(1, i)}\n`);
  const tree = startTree(scope, side.impl, scan, side.name === 'ours-in-process' ? 'in-process' : 'default');
  if ((await timeUntil(() => runningTokens().size >= services, 300_000, 500)) === undefined) throw new Error(`${side.name}: the ${services} services never all ran`);

  // Everything the burst brings is made beforehand, as a package manager would, then renamed in.
  const expected = new Set<number>();
  for (let i = 2 * churn; i < services; i++) expected.add(tokenOf(1, i));
  const staged: Array<{ from: string; to: Name }> = [];
  const stage = (to: Name, token: number, files = 0): void => {
    const from = `x${staged.length}`;
    makeService(join(staging, from), `exec sleep ${token}\n`);
    for (let f = 0; f < files; f++) writeFileSync(join(staging, from, `file${f}`), '');
    staged.push({ from, to });
    expected.add(token);
  };
  for (let i = churn; i < 2 * churn; i++) stage(name(i), tokenOf(2, i));
  for (let i = 0; i < churn; i++) stage(`n${String(i).padStart(4, '0')}`, tokenOf(3, i));
  const oddNames: Name[] = ['with space', 'two  spaces here', 'café', 'данные', Buffer.from([0x63, 0x61, 0x66, 0xe9]), Buffer.from([0x6c, 0x61, 0x74, 0x69, 0x6e, 0xb1, 0xff])];
  oddNames.forEach((odd, i) => stage(odd, tokenOf(4, i)));
  stage('many-files', tokenOf(5, 0), manyFiles);

  const burstAt = Date.now();
  for (let i = 0; i < churn; i++) rmSync(join(scan, name(i)), { recursive: true, force: true });
  for (const { from, to } of staged) {
    const target = pathIn(scan, to);
    rmSync(target, { recursive: true, force: true });
    renameSync(join(staging, from), target);
  }
  for (let g = 0; g < GHOSTS; g++) symlinkSync(`../missing-${g}`, join(scan, `ghost-${g}`));
  const burstMs = Date.now() - burstAt;

  let last = { missing: expected.size, duplicated: 0, leftover: 0 };
  let mostDuplicated = 0;
  const settled = await timeUntil(
    () => {
      const running = runningTokens();
      const missing = [...expected].filter((token) => running.get(token) === undefined).length;
      const duplicated = [...running.values()].filter((count) => count > 1).length;
      const leftover = [...running.keys()].filter((token) => !expected.has(token)).length;
      mostDuplicated = Math.max(mostDuplicated, duplicated);
      last = { missing, duplicated, leftover };
      return missing === 0 && duplicated === 0 && leftover === 0;
    },
    180_000,
    250,
  );
  // The status of each string-named service names its one process (the others are checked by /proc only).
  await sleep(1000);
  let statusWrong = 0;
  const running = listProcs();
  for (let i = churn; i < services; i++) {
    const record = readStatus(join(scan, name(i)));
    const token = i < 2 * churn ? tokenOf(2, i) : tokenOf(1, i);
    const proc = running.find((p) => p.pid === record?.pid);
    if (record?.state !== 1 || proc?.command !== `sleep ${token}`) statusWrong += 1;
  }
  const record = (metric: string, value: string | number, isOk?: boolean): void => context.record({ side: side.name, metric, value, ...(isOk === undefined ? {} : { isOk }) });
  record(`burst: ${churn} removed, ${churn} replaced, ${churn} + ${oddNames.length} odd names + 1 dir of ${manyFiles} files added, ${GHOSTS} dangling symlinks`, `${burstMs} ms to make`);
  record('burst → every expected service running once, nothing removed left', settled === undefined ? `not within 180 s: ${last.missing} missing, ${last.duplicated} duplicated, ${last.leftover} left over` : `${(settled / 1000).toFixed(1)} s`, settled !== undefined);
  record('services with two instances at once, at most', mostDuplicated, mostDuplicated === 0);
  record(`status records not naming their one process (of ${services - churn})`, statusWrong, statusWrong === 0);
  record('supervisor tree died', tree.whyDead() ?? 'no', tree.whyDead() === undefined);
}

export const CHURN: StressScenario = {
  name: 'churn',
  what: 'N services; in one burst K removed, K replaced, K added plus odd names (spaces, UTF-8, non-UTF-8 bytes), a dir of F files and dangling symlinks; every expected service once, nothing left over',
  async run(context) {
    for (const side of context.sides(['ours-in-process', 'runit'])) await withScope((scope) => runSide(context, scope, side));
  },
};
