// A DevTree does not outlive the script that started it unless asked to (issue 17): when the
// script exits, dies of an uncaught exception or is TERMed, its runsvdir and services stop.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DevTree } from '../../src/index.js';
import { REPO_ROOT } from '../helpers/binaries.js';
import { defer } from '../helpers/cleanup.js';
import { isAlive, killPid, spawnTracked } from '../helpers/procs.js';
import { descendantsOf } from '../helpers/scanner-proc.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

// The script under test: starts a tree with one service, prints its pids, then ends as told.
const SCRIPT = `
import { Client, DevTree } from ${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'dist/src/index.js')).href)};
const [base, how] = process.argv.slice(2);
const tree = new DevTree(base, { outlive: how === 'outlive' });
await tree.service('web').command(['sleep', '1000']).build();
await tree.enable('web');
const runsvdir = await tree.startRunsvdir();
const { pid } = await new Client(tree.enabledDir + '/web').waitFor('run', 20000);
console.log('ready', runsvdir, pid);
if (how === 'throw') setTimeout(() => { throw new Error('boom'); }, 10);
if (how === 'wait') setInterval(() => {}, 1000);
`;

const CASES: Array<[string, string, { code: number | null; signal: NodeJS.Signals | null }]> = [
  ['exits', 'exit', { code: 0, signal: null }],
  ['dies of an uncaught exception', 'throw', { code: 1, signal: null }],
  ['is TERMed', 'wait', { code: null, signal: 'SIGTERM' }],
];

function startScript(t: { after(fn: () => void | Promise<void>): void }, how: string): { base: string; run: ReturnType<typeof spawnTracked>; seen: Set<number> } {
  const dir = makeTempDir(t);
  const base = join(dir, 'tree');
  const script = join(dir, 'start-tree.mjs');
  writeFileSync(script, SCRIPT);
  const seen = new Set<number>();
  defer(t, async () => {
    await new DevTree(base).stopRunsvdir({ timeout: 20_000 }).catch(() => undefined);
    for (const pid of seen) if (isAlive(pid)) killPid(pid);
  });
  return { base, run: spawnTracked(t, process.execPath, [script, base, how], { cwd: dir }), seen };
}

async function readyPids(run: ReturnType<typeof spawnTracked>, seen: Set<number>): Promise<number[]> {
  const match = await waitFor('the script to start its tree', () => /ready (\d+) (\d+)\n/.exec(run.stdout()) ?? undefined, { timeout: 30_000 });
  const pids = [Number(match[1]), Number(match[2])];
  for (const pid of [...pids, ...descendantsOf(pids[0]!)]) seen.add(pid);
  return [...seen];
}

for (const [what, how, exit] of CASES) {
  test(`the tree stops when the script that started it ${what}`, { timeout: 60_000 }, async (t) => {
    const { base, run, seen } = startScript(t, how);
    const pids = await readyPids(run, seen);
    if (how === 'wait') run.child.kill('SIGTERM');
    assert.deepEqual(await run.exited, exit, run.stderr());
    await waitFor('runsvdir, runsv and the service to be gone', () => pids.every((pid) => !isAlive(pid)), { timeout: 20_000 });
    assert.equal(await new DevTree(base).runsvdirPid(), undefined);
  });
}

test('outlive: true keeps the tree running after the script exits', { timeout: 60_000 }, async (t) => {
  const { base, run, seen } = startScript(t, 'outlive');
  const pids = await readyPids(run, seen);
  assert.deepEqual(await run.exited, { code: 0, signal: null }, run.stderr());
  const tree = new DevTree(base);
  // Give a wrongly sent HUP time to act before looking.
  await new Promise((done) => setTimeout(done, 500));
  assert.deepEqual(pids.filter(isAlive), pids, 'everything still runs');
  assert.equal(await tree.runsvdirPid(), pids[0]);
  assert.equal(await tree.stopRunsvdir(), true);
  assert.deepEqual(pids.filter(isAlive), []);
});
