/**
 * Trees for the tests of log services run by the svlogd engine (issue 16): one logged service
 * `app` under a runsvdir, in each topology that runs it (ours in one process, ours with a runsv
 * per service, our runsv under runit's runsvdir) and the references (svlogd as a process, runit).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OUR_BIN, ourBin, realBin } from './binaries.js';
import { descendants, readParent } from './procs.js';
import { makeTreeRoot, startRunsvdirTree, type RunsvdirTree } from './runsvdir-tree.js';
import { makeService } from './service-dir.js';

type TestContext = { after(fn: () => void | Promise<void>): void };

export interface TreeSide {
  label: string;
  runsvdir: string;
  args: string[];
  path: string;
  /** Where the log service runs in process: in runsvdir itself, or in the service's runsv. */
  inline?: 'runsvdir' | 'runsv';
  env?: NodeJS.ProcessEnv;
}

const OURS_FIRST = `${OUR_BIN}:/usr/bin:/bin`;

export const IN_PROCESS: TreeSide = { label: 'in process', runsvdir: ourBin('runsvdir'), args: ['--in-process'], path: OURS_FIRST, inline: 'runsvdir' };
export const OUR_SVLOGD: TreeSide = { label: 'our svlogd', runsvdir: ourBin('runsvdir'), args: ['--in-process', '--no-inline-logs'], path: OURS_FIRST };
export const RUNIT: TreeSide = { label: "runit's", runsvdir: realBin('runsvdir'), args: [], path: '/usr/bin:/bin' };
/** runit's topology with our programs: a runsv process per service, its log service inside it. */
export const IN_RUNSV: TreeSide = { label: 'in our runsv', runsvdir: ourBin('runsvdir'), args: [], path: OURS_FIRST, inline: 'runsv' };
/** Our runsv started by runit's runsvdir. */
export const IN_RUNSV_UNDER_RUNIT: TreeSide = { label: "in our runsv under runit's runsvdir", runsvdir: realBin('runsvdir'), args: [], path: OURS_FIRST, inline: 'runsv' };

export function startSide(t: TestContext, side: TreeSide, dir: string): RunsvdirTree {
  const isReal = side.runsvdir.startsWith('/usr/');
  const command = isReal ? side.runsvdir : process.execPath;
  const args = isReal ? [...side.args, dir] : [side.runsvdir, ...side.args, dir];
  return startRunsvdirTree(t, command, args, { ...process.env, ...side.env, PATH: side.path }, dirname(dir));
}

/** The pid a log service run in process shows: runsvdir's, or its service's runsv's. */
export function inlineLogPid(tree: RunsvdirTree, side: TreeSide): number | undefined {
  if (side.inline === 'runsvdir') return tree.pid;
  if (side.inline === undefined) return undefined;
  return descendants(tree.pid).find((pid) => readParent(pid) === tree.pid);
}

/** svlogd processes below the tree (none when the log service runs in process). */
export function svlogdProcesses(tree: RunsvdirTree): number[] {
  return descendants(tree.pid).filter((pid) => {
    try {
      const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0');
      return argv0.some((word) => word === 'svlogd' || word.endsWith('/svlogd'));
    } catch {
      return false;
    }
  });
}

/** Every file of a log directory but its lock, oldest first: rotated files by name, then current. */
export function logContents(dir: string): string[] {
  const names = readdirSync(dir).filter((name) => name.startsWith('@')).sort();
  return [...names, 'current'].map((name) => readFileSync(join(dir, name), 'latin1'));
}

export function logText(dir: string): string {
  try {
    return logContents(dir).join('');
  } catch {
    return '';
  }
}

/** A scanned directory `sv` holding one service `app` whose log service is `svlogd ./main`. */
export function makeLoggedApp(run: string, config?: string): { dir: string; app: string } {
  const dir = join(makeTreeRoot(), 'sv');
  mkdirSync(dir);
  const app = makeService(join(dir, 'app'), { run, log: { run: 'exec svlogd ./main' } });
  mkdirSync(join(app, 'log/main'));
  if (config !== undefined) writeFileSync(join(app, 'log/main/config'), config);
  return { dir, app };
}
