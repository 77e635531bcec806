// Directories written by ServiceBuilder run under the supervisors they are written for: the
// runit flavour under real runsvdir and our runsv, daemontools' under svscan, s6's under
// s6-svscan. Each checks env, cwd, stderr merged into the log, the logger's settings (rotation
// at a small size proves them applied), the down file, and finish.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ServiceBuilder } from '../../src/index.js';
import type { Flavour } from '../../src/client/builder-spec.js';
import { NEEDS_RUNIT, ourBin, realBin } from '../helpers/binaries.js';
import { installedBin } from '../helpers/installed-bin.js';
import { startRunsv } from '../helpers/runsv-proc.js';
import { startScanner } from '../helpers/scanner-proc.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

type TestContext = Parameters<typeof makeTempDir>[0];

// 150 lines of ~50 bytes: more than one 4096-byte log file, so the size setting must rotate.
const CHATTER = 'echo "$GREETING from $PWD"; echo "to stderr" >&2; i=0; while [ $i -lt 150 ]; do echo "filler line $i ......................................"; i=$((i+1)); done; exec sleep 1000';

interface Built {
  web: string;
  idle: string;
  work: string;
  finished: string;
}

async function buildTree(t: TestContext, flavour: Flavour, tools: Record<string, string> = {}): Promise<Built> {
  const root = makeTempDir(t);
  // Our svlogd opens its directory by absolute path (README, SVL-3), so the logger's account
  // must be able to pass through the temp dir; runit's svlogd, working from its cwd, need not.
  chmodSync(root, 0o755);
  const scan = join(root, 'service');
  const work = join(root, 'work dir');
  mkdirSync(work);
  const finished = join(root, 'finished');
  const withTools = (builder: ServiceBuilder): ServiceBuilder => {
    for (const [name, path] of Object.entries(tools)) builder.tool(name, path);
    return builder;
  };
  const web = await withTools(new ServiceBuilder('web', scan, flavour))
    .command(['/bin/sh', '-c', CHATTER])
    .env('GREETING', "hello 'world'")
    .cwd(work)
    // The logger runs as nobody: as root, build() gives it the log directory.
    .log({ timestamps: 'tai64n', size: 4096, count: 20, user: 'nobody', ...(flavour === 'runit' ? { prefix: 'web: ' } : {}) })
    .finish(flavour === 'daemontools' ? undefined : ['/bin/sh', '-c', 'echo "finished $2 $3" >> "$1"', 'finish', finished], { withStatus: true })
    .build();
  const idle = await withTools(new ServiceBuilder('idle', scan, flavour)).command(['sleep', '1000']).down().build();
  return { web, idle, work, finished };
}

function logFiles(web: string): string[] {
  try {
    return readdirSync(join(web, 'log/main'));
  } catch {
    return [];
  }
}

/** The log's lines so far: rotated files (oldest first) then current. */
function logText(web: string): string {
  const dir = join(web, 'log/main');
  const names = logFiles(web).filter((name) => name.startsWith('@')).sort();
  return [...names, 'current'].map((name) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'latin1') : '')).join('');
}

async function checkLogged(built: Built, linePrefix: RegExp): Promise<void> {
  await waitFor('the last filler line in the log', () => logText(built.web).includes('filler line 149 '), { timeout: 30_000 });
  const lines = logText(built.web).split('\n');
  const line = (text: string) => lines.find((l) => l.includes(text));
  assert.match(line('hello')!, new RegExp(`${linePrefix.source}hello 'world' from ${built.work}$`));
  assert.match(line('to stderr')!, new RegExp(`${linePrefix.source}to stderr$`), 'stderr goes to the log');
  assert.ok(logFiles(built.web).some((name) => /^@[0-9a-f]{24}\.[su]$/.test(name)), `rotated at 4096 bytes: ${logFiles(built.web).join(' ')}`);
}

function svStatus(dir: string): string {
  try {
    return execFileSync(realBin('sv'), ['status', dir], { encoding: 'utf8' });
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? '');
  }
}

async function checkUnderRunit(built: Built): Promise<void> {
  await waitFor('web and its log to run', () => /^run: .*; run: log: /.test(svStatus(built.web)), { timeout: 20_000 });
  await waitFor('idle to be supervised, down', () => /^down: [^,]*: \d+s\n$/.test(svStatus(built.idle)), { timeout: 20_000 });
  await checkLogged(built, /^@[0-9a-f]{24} web: /);
  if (process.getuid?.() === 0) assert.equal(statSync(join(built.web, 'log/main/current')).uid, 65534, 'written by nobody');
  execFileSync(realBin('sv'), ['down', built.web]);
  // The file exists before echo has written to it: wait for the whole line.
  await waitFor('./finish to run', () => existsSync(built.finished) && readFileSync(built.finished, 'utf8').includes('\n'), { timeout: 20_000 });
  assert.match(readFileSync(built.finished, 'utf8'), /^finished -?\d+ \d+\n/, 'finish got exit code and signal');
}

const RUNIT_TOOLS = { chpst: realBin('chpst'), svlogd: realBin('svlogd') };
const OUR_TOOLS = { chpst: installedBin('chpst'), svlogd: installedBin('svlogd') };

test('runit flavour under real runsvdir (real chpst and svlogd)', { skip: NEEDS_RUNIT }, async (t) => {
  const built = await buildTree(t, 'runit', RUNIT_TOOLS);
  // runsvdir's HUP TERMs every runsv it started; each stops its service and log.
  startScanner(t, realBin('runsvdir'), [join(built.web, '..')], (proc) => void proc.child.kill('SIGHUP'));
  await checkUnderRunit(built);
});

test('runit flavour under our runsvdir --in-process (our chpst and svlogd)', { skip: NEEDS_RUNIT }, async (t) => {
  const built = await buildTree(t, 'runit', OUR_TOOLS);
  // In-process, HUP stops every service and then its log service before runsvdir exits.
  startScanner(t, process.execPath, [ourBin('runsvdir'), '--in-process', join(built.web, '..')], (proc) => void proc.child.kill('SIGHUP'));
  await checkUnderRunit(built);
});

test('runit flavour under our runsv (our chpst and svlogd)', { skip: NEEDS_RUNIT }, async (t) => {
  const built = await buildTree(t, 'runit', OUR_TOOLS);
  await startRunsv(t, 'ours', join(built.web, '..'), 'web');
  await startRunsv(t, 'ours', join(built.web, '..'), 'idle');
  await checkUnderRunit(built);
});

function daemontoolsStatus(dir: string): string {
  return execFileSync('svstat', [dir, join(dir, 'log')], { encoding: 'utf8' });
}

test('daemontools flavour under svscan (envdir, multilog)', async (t) => {
  const built = await buildTree(t, 'daemontools');
  const scan = join(built.web, '..');
  const dirs = [built.web, join(built.web, 'log'), built.idle];
  // svscan has no orderly stop: end it, then make each supervise stop its service and exit.
  startScanner(t, 'svscan', [scan], async (proc) => {
    proc.child.kill('SIGTERM');
    for (const dir of dirs) if (existsSync(join(dir, 'supervise/control'))) execFileSync('svc', ['-dx', dir]);
  }, { cwd: scan });
  await waitFor('web and its log up', () => /: up \(pid \d+\).*\n.*: up \(pid \d+\)/.test(daemontoolsStatus(built.web)), { timeout: 20_000 });
  await waitFor('idle supervised, down', () => /: down \d+ seconds/.test(execFileSync('svstat', [built.idle], { encoding: 'utf8' })), { timeout: 20_000 });
  await checkLogged(built, /^@[0-9a-f]{24} /);
  execFileSync('svc', ['-d', built.web]);
  await waitFor('web down', () => /: down \d+ seconds/.test(execFileSync('svstat', [built.web], { encoding: 'utf8' })), { timeout: 20_000 });
});

test('s6 flavour under s6-svscan (s6-envdir, s6-log)', async (t) => {
  const built = await buildTree(t, 's6');
  const scan = join(built.web, '..');
  // s6-svscanctl -t: s6-svscan TERMs each s6-supervise, which stops its service, and exits.
  startScanner(t, 's6-svscan', [scan], () => void execFileSync('s6-svscanctl', ['-t', scan]));
  const status = (dir: string) => {
    try {
      return execFileSync('s6-svstat', [dir], { encoding: 'utf8' });
    } catch {
      return '';
    }
  };
  await waitFor('web and its log up', () => /^up \(pid \d+/.test(status(built.web)) && /^up \(pid \d+/.test(status(join(built.web, 'log'))), { timeout: 20_000 });
  await waitFor('idle supervised, down', () => /^down /.test(status(built.idle)), { timeout: 20_000 });
  await checkLogged(built, /^@[0-9a-f]{24} /);
  execFileSync('s6-svc', ['-d', built.web]);
  // The file exists before echo has written to it: wait for the whole line.
  await waitFor('./finish to run', () => existsSync(built.finished) && readFileSync(built.finished, 'utf8').includes('\n'), { timeout: 20_000 });
  assert.match(readFileSync(built.finished, 'utf8'), /^finished -?\d+ \d+\n/, 'finish got exit code and signal');
});
