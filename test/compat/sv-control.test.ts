// Our sv and real /usr/bin/sv side by side on twin trees: every command (SV-3), sending and
// duplicate suppression (SV-8, SV-9), waiting and its conditions (SV-10, SV-11), timeout and
// kill lines (SV-12), check scripts (SV-13), exit codes (SV-15).
import assert from 'node:assert/strict';
import { chmodSync, closeSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { NEEDS_RUNIT } from '../helpers/binaries.js';
import { packStatus } from '../../src/protocol/status.js';
import { type RunsvTree, SUPERVISORS } from '../helpers/runsv-tree.js';
import { BODY, type ServiceSpec } from '../helpers/service-dir.js';
import { fakeSupervise } from '../helpers/supervise-files.js';
import { waitFor } from '../helpers/wait-for.js';
import { compareSv, startTwins, type Twins } from './sv-harness.js';

interface Case {
  name: string;
  services: Record<string, ServiceSpec>;
  /** Run on each twin before the steps. */
  prepare?: (tree: RunsvTree) => Promise<void> | void;
  /** Compared in order; `status` steps check the effect. */
  steps: string[][];
  env?: (root: string) => Record<string, string | undefined>;
  cwd?: (root: string) => string;
  /**
   * Per step, the wait limit in seconds when the step times out waiting: both sv's must wait
   * out runit's whole schedule (SV-10), never give up a pass early.
   */
  timesOutAfter?: readonly (number | undefined)[];
}

/** The service's start second is behind sv's, so `t`/`k` conditions wait for the restart. */
async function agedOneSecond(tree: RunsvTree): Promise<void> {
  await waitFor('service older than 1 s', () => {
    const bytes = statSync(join(tree.root, 'a', 'supervise', 'status')).mtimeMs;
    return Date.now() - bytes > 1100;
  }, { timeout: 15_000, interval: 50 });
}

/** Descriptors of fake supervisors, closed when the file's tests end. */
const held: number[] = [];
after(() => {
  for (const fd of held.splice(0)) closeSync(fd);
});

/** Stops 0.2 s after TERM; one process with no children, so a KILL leaves nothing behind. */
const SLOW_TERM = "exec perl -e '$SIG{TERM} = sub { select(undef, undef, undef, 0.2); exit 0 }; sleep 1000 while 1'";

const single = (extra: ServiceSpec = {}): Record<string, ServiceSpec> => ({ a: { run: BODY.stubborn, ...extra } });

const CASES: Case[] = [
  { name: 'up on a down service, -v', services: single({ down: true }), steps: [['-v', 'up', 'a'], ['status', 'a']] },
  { name: 'up when want is up sends nothing', services: single(), steps: [['up', 'a'], ['-v', 'u', 'a']] },
  { name: 'down, -v', services: single(), steps: [['-v', 'down', 'a'], ['status', 'a'], ['d', 'a']] },
  { name: 'once, -v', services: single({ down: true }), prepare: agedOneSecond, steps: [['-v', 'once', 'a'], ['status', 'a']] },
  { name: 'pause and cont, -v', services: single(), steps: [['-v', 'pause', 'a'], ['status', 'a'], ['-v', 'cont', 'a'], ['status', 'a']] },
  { name: 'pause and cont without -v print nothing', services: single(), steps: [['p', 'a'], ['-w', '5', 'p', 'a'], ['c', 'a'], ['-v', 'c', 'a']] },
  { name: 'signals hup alarm interrupt quit 1 2, -v', services: single(), steps: [['-v', 'hup', 'a'], ['-v', 'alarm', 'a'], ['-v', 'interrupt', 'a'], ['-v', 'quit', 'a'], ['-v', '1', 'a'], ['-v', '2', 'a'], ['h', 'a'], ['a', 'a'], ['i', 'a'], ['q', 'a'], ['1', 'a'], ['2', 'a']] },
  { name: 'term waits for the restart, -v', services: single(), prepare: agedOneSecond, steps: [['-v', 'term', 'a'], ['status', 'a']] },
  { name: 'kill waits for the restart, -v', services: single(), prepare: agedOneSecond, steps: [['-v', 'kill', 'a'], ['status', 'a']] },
  { name: 'exit, -v, then again on a dead runsv', services: single(), steps: [['-v', 'exit', 'a'], ['exit', 'a'], ['-v', 'e', 'a'], ['up', 'a'], ['status', 'a'], ['-v', 'down', 'a']] },
  { name: 'exit without -v', services: single(), steps: [['xyz', 'a']] },
  { name: 'start stop reload', services: single({ down: true }), steps: [['start', 'a'], ['reload', 'a'], ['stop', 'a'], ['status', 'a']] },
  { name: 'restart and try-restart', services: single(), prepare: agedOneSecond, steps: [['restart', 'a'], ['status', 'a']] },
  { name: 'try-restart', services: single(), prepare: agedOneSecond, steps: [['try-restart', 'a']] },
  { name: 'shutdown', services: single(), steps: [['shutdown', 'a'], ['status', 'a']] },
  // One command per fresh, aged service: after a restart in the same second, the next `t`
  // check holds at once (whole seconds, SV-11) and sv races runsv's 1-second sleep.
  { name: 'force-reload on a willing service', services: single(), prepare: agedOneSecond, steps: [['force-reload', 'a'], ['status', 'a']] },
  { name: 'force-restart on a willing service', services: single(), prepare: agedOneSecond, steps: [['force-restart', 'a'], ['status', 'a']] },
  { name: 'force-stop on a willing service', services: single(), prepare: agedOneSecond, steps: [['force-stop', 'a'], ['status', 'a']] },
  { name: 'force-shutdown', services: single(), steps: [['force-shutdown', 'a'], ['status', 'a']] },
  { name: 'X E D T words', services: { a: {}, b: {} }, prepare: agedOneSecond, steps: [['Terminate', 'a'], ['Down', 'a'], ['E', 'b'], ['Xit', 'a', 'b']] },
  { name: 'timeout: TERM ignored, -w 1 down (SV-12)', services: single({ run: BODY.ignoreTerm }), steps: [['-w', '1', 'down', 'a'], ['status', 'a']], timesOutAfter: [1] },
  { name: 'limit is "greater than": -w 0 (SV-10)', services: single({ run: BODY.ignoreTerm }), steps: [['-w0', 'd', 'a']], timesOutAfter: [0] },
  { name: 'SVWAIT sets the limit, -w overrides it', services: single({ run: BODY.ignoreTerm }), env: (root) => ({ SVDIR: root, SVWAIT: '1' }), steps: [['stop', 'a'], ['-w', '0', 'stop', 'a']], timesOutAfter: [1, 0] },
  { name: 'kill: force-stop on a TERM-ignoring service sends k', services: single({ run: BODY.ignoreTerm }), env: (root) => ({ SVDIR: root, SVWAIT: '1' }), steps: [['force-stop', 'a'], ['-v', 'down', 'a'], ['status', 'a']] },
  { name: 'kill: force-shutdown on a TERM-ignoring service', services: single({ run: BODY.ignoreTerm }), steps: [['-w', '1', 'force-shutdown', 'a']] },
  { name: 'check script failing: up times out (SV-13)', services: single({ down: true, check: BODY.exit1 }), steps: [['-w', '1', 'up', 'a'], ['-w', '1', 'check', 'a']] },
  { name: 'check script passing', services: single({ check: BODY.exit0 }), steps: [['check', 'a'], ['-v', 'u', 'a']] },
  {
    name: 'check script not executable: warning, passes',
    services: single({ check: BODY.exit1 }),
    prepare: (tree) => chmodSync(join(tree.root, 'a', 'check'), 0o644),
    steps: [['check', 'a'], ['-v', 'up', 'a']],
  },
  {
    name: 'check on down-but-wants-up passes at once (2.1.2, SV-11)',
    services: { a: { unsupervised: true } },
    prepare: (tree) => {
      const since = { seconds: Math.floor(Date.now() / 1000) - 3, nanoseconds: 500 };
      held.push(...fakeSupervise(join(tree.root, 'a'), packStatus({ since, pid: 0, isPaused: false, want: 'up', gotTerm: false, state: 0 })));
    },
    steps: [['check', 'a'], ['-w', '1', 'up', 'a'], ['-v', 'd', 'a']],
  },
  { name: 'check on a down service', services: single({ down: true }), steps: [['check', 'a']] },
  { name: 'check script killed by a signal passes (SV-13)', services: single({ check: 'kill -KILL $$' }), steps: [['check', 'a'], ['-v', 'u', 'a']] },
  {
    name: 'check that cannot be stat()ed: stderr warning each pass, fails (SV-13)',
    services: single(),
    prepare: (tree) => symlinkSync('check', join(tree.root, 'a', 'check')),
    steps: [['-w', '0', 'up', 'a'], ['-w', '1', 'check', 'a']],
  },
  {
    name: 'several services, one wait loop',
    services: { a: { run: SLOW_TERM }, b: { down: true }, c: { run: BODY.ignoreTerm } },
    // a takes 0.2 s to stop, so every sv finds b down on the first pass and a on a later one:
    // which of the two came first would otherwise be a race between a's runsv and the sv.
    steps: [['-w', '1', 'd', 'a', 'b', 'c', 'nonexist'], ['-v', 'u', 'a'], ['-v', 'u', 'b']],
  },
  {
    name: 'waiting resolves names differently: trailing slash (SV-4 quirk)',
    services: single({ down: true }),
    env: (root) => ({ SVDIR: join(root, 'elsewhere') }),
    steps: [['-v', 'up', 'a/'], ['-v', 'up', './a']],
  },
  { name: 'runsv not running: fail, ok for exit (SV-5, SV-8)', services: { stale: { unsupervised: true } }, prepare: makeStale, steps: [['up', 'stale'], ['x', 'stale'], ['-v', 'x', 'stale'], ['-w', '1', 'force-stop', 'stale'], ['check', 'stale'], ['-v', 'shutdown', 'stale']] },
];

async function makeStale(tree: RunsvTree): Promise<void> {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { execFileSync } = await import('node:child_process');
  mkdirSync(join(tree.root, 'stale', 'supervise'));
  execFileSync('mkfifo', [join(tree.root, 'stale', 'supervise', 'ok'), join(tree.root, 'stale', 'supervise', 'control')]);
  writeFileSync(join(tree.root, 'stale', 'supervise', 'status'), Buffer.alloc(20));
}

/**
 * SV-10's schedule: passes 420 ms apart, the timeout line at the first pass whose elapsed time is
 * greater than the limit, the exit one sleep later. Load can only make a run longer, so this is
 * a lower bound on the whole run that holds on a busy machine; giving up a pass early breaks it.
 */
function giveUpMillis(limitSeconds: number): number {
  const PASS = 420;
  const timeoutPass = Math.floor((limitSeconds * 1000) / PASS) + 1;
  return (timeoutPass + 1) * PASS;
}

async function runCase(twins: Twins, item: Case): Promise<void> {
  await Promise.all([item.prepare?.(twins.real), item.prepare?.(twins.ours)]);
  for (const [index, step] of item.steps.entries()) {
    const options: Parameters<typeof compareSv>[2] = {};
    if (item.env !== undefined) options.env = item.env;
    if (item.cwd !== undefined) options.cwd = item.cwd;
    const { real, ours } = await compareSv(twins, step, options);
    const limit = item.timesOutAfter?.[index];
    if (limit !== undefined) {
      // A few ms of slack for timer granularity; a pass given up early is 420 ms short.
      const least = giveUpMillis(limit) - 20;
      assert.ok(real.millis >= least, `real sv ${step.join(' ')} took ${Math.round(real.millis)} ms, the schedule says at least ${least}`);
      assert.ok(ours.millis >= least, `our sv ${step.join(' ')} took ${Math.round(ours.millis)} ms, the schedule says at least ${least}`);
    }
  }
}

for (const supervisor of SUPERVISORS) {
  describe(`sv commands under ${supervisor.name} (SV-3, SV-8..SV-13)`, { skip: NEEDS_RUNIT, concurrency: 4 }, () => {
    for (const item of CASES) {
      test(item.name, async () => {
        const twins = await startTwins(supervisor, item.services);
        try {
          await runCase(twins, item);
        } finally {
          await twins.cleanup();
        }
      });
    }

  });
}
