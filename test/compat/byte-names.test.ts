// Names are bytes (issue 14, fault 4): a service or log directory whose name is not UTF-8
// (here `s` 0xff 0xfe) must be found, supervised, controlled and named in messages byte for
// byte as real runit does (RSV-1, RSV-32, RSD-2, RSD-6, SV-4, SV-5, SVL-3, SVL-21), in every mix
// of ours and runit's. Node can pass only UTF-8 in argv, so each program gets the name through
// sh, which reads it from a file.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, constants, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { NEEDS_RUNIT, ourBin, realBin } from '../helpers/binaries.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

type T = Parameters<typeof makeTempDir>[0];
type Impl = 'ours' | 'real';

const skip = NEEDS_RUNIT;
const NAME = Buffer.from([0x73, 0xff, 0xfe]);
/** A service tree's directory name, not UTF-8 either. */
const TREE = Buffer.from([0x74, 0xff]);
const bin = (impl: Impl, program: string): string => (impl === 'ours' ? ourBin(program) : realBin(program));
const under = (root: string, ...parts: (string | Buffer)[]): Buffer =>
  Buffer.concat([Buffer.from(root), ...parts.flatMap((part) => [Buffer.from('/'), Buffer.from(part)])]);

/** `file args... NAME`: the last argument is the name's bytes, read by sh from a file. */
function withName(root: string, file: string, args: readonly string[], name: Buffer = NAME): [string, string[]] {
  const nameFile = join(root, `.name-${name.toString('hex')}`);
  writeFileSync(nameFile, name);
  return ['/bin/sh', ['-c', 'n=$(cat "$0"); exec "$@" "$n"', nameFile, file, ...args]];
}

function runWithName(root: string, file: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; name?: Buffer } = {}) {
  const [command, argv] = withName(root, file, args, options.name);
  const result = spawnSync(command, argv, { cwd: options.cwd ?? root, env: options.env ?? process.env, input: options.input ?? '', timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** sv's varying parts (pids, seconds) replaced, the bytes kept. */
const normalise = (bytes: Buffer): string => bytes.toString('latin1').replace(/\(pid \d+\)/g, '(pid N)').replace(/ \d+s\b/g, ' Ns');

function makeService(dir: Buffer): void {
  mkdirSync(dir);
  writeFileSync(Buffer.concat([dir, Buffer.from('/run')]), '#!/bin/sh\nexec sleep 1000\n');
  chmodSync(Buffer.concat([dir, Buffer.from('/run')]), 0o755);
}

/** TREE/NAME under `root`: a tree holding one service; returns the service's path. */
function makeTreeService(root: string): Buffer {
  mkdirSync(under(root, TREE));
  const service = under(root, TREE, NAME);
  makeService(service);
  return service;
}

/** RSV-5: a runsv holds supervise/ok open for reading. */
function isSupervised(dir: Buffer): boolean {
  try {
    closeSync(openSync(Buffer.concat([dir, Buffer.from('/supervise/ok')]), constants.O_WRONLY | constants.O_NONBLOCK));
    return true;
  } catch {
    return false;
  }
}

/** The state byte of supervise/status (RSV-9): 1 run. */
function stateOf(dir: Buffer): number | undefined {
  try {
    return readFileSync(Buffer.concat([dir, Buffer.from('/supervise/status')]))[19];
  } catch {
    return undefined;
  }
}

/** `d` then `x` to a runsv (if one is there): the service stops, then runsv exits (RSV-24). */
function stopService(service: Buffer): void {
  try {
    const fd = openSync(Buffer.concat([service, Buffer.from('/supervise/control')]), constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      writeSync(fd, 'dx');
    } finally {
      closeSync(fd);
    }
  } catch {
    // no runsv there
  }
}

/** Starts a long-running program with NAME last; stops it with `x` (runsv) or TERM at the end. */
function startWithName(t: T, root: string, file: string, args: readonly string[], service: Buffer, name: Buffer = NAME) {
  const [command, argv] = withName(root, file, args, name);
  const child = spawn(command, argv, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = Buffer.alloc(0);
  child.stderr!.on('data', (chunk: Buffer) => (stderr = Buffer.concat([stderr, chunk])));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    stopService(service);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, exited, stderr: () => stderr };
}

test('runsv: a missing directory named with non-UTF-8 bytes, runit`s fatal line byte for byte (RSV-32)', { skip }, (t) => {
  const root = makeTempDir(t);
  const [ours, real] = (['ours', 'real'] as const).map((impl) => runWithName(root, bin(impl, 'runsv'), []));
  assert.equal(ours!.code, 111);
  assert.equal(real!.code, 111);
  assert.deepEqual(ours!.stderr, real!.stderr);
  assert.ok(ours!.stderr.includes(NAME), ours!.stderr.toString('latin1'));
});

for (const runsv of ['ours', 'real'] as const) {
  test(`${runsv} runsv supervises a non-UTF-8 name; ours and runit's sv control it alike (RSV-1, SV-4)`, { skip, timeout: 60_000 }, async (t) => {
    const root = makeTempDir(t);
    const service = under(root, NAME);
    makeService(service);
    const proc = startWithName(t, root, bin(runsv, 'runsv'), [], service);
    await waitFor(`${runsv} runsv running the service`, () => (isSupervised(service) && stateOf(service) === 1) || proc.child.exitCode !== null);
    assert.equal(proc.child.exitCode, null, proc.stderr().toString('latin1'));
    const env = { ...process.env, SVDIR: root };
    const seen: Record<Impl, string[]> = { ours: [], real: [] };
    for (const sv of ['ours', 'real'] as const) {
      for (const command of ['status', 'down', 'status', 'up']) {
        const args = command === 'status' ? ['status'] : ['-w', '10', command];
        const result = runWithName(root, bin(sv, 'sv'), args, { env });
        seen[sv].push(`${result.code} ${normalise(result.stdout)}${normalise(result.stderr)}`);
      }
    }
    assert.deepEqual(seen.ours, seen.real);
    assert.match(seen.ours[1]!, /^0 ok: down: s\xff\xfe: Ns, normally up\n$/);
    assert.match(seen.ours[3]!, /^0 ok: run: s\xff\xfe: \(pid N\) Ns\n$/);
  });
}

test('sv: $SVDIR whose bytes are not UTF-8, ours as runit`s (SV-4)', { skip, timeout: 30_000 }, async (t) => {
  const root = makeTempDir(t);
  const service = makeTreeService(root);
  const proc = startWithName(t, root, bin('real', 'runsv'), [], service, Buffer.concat([TREE, Buffer.from('/'), NAME]));
  await waitFor('runsv running the service', () => (isSupervised(service) && stateOf(service) === 1) || proc.child.exitCode !== null);
  assert.equal(proc.child.exitCode, null, proc.stderr().toString('latin1'));
  writeFileSync(join(root, '.svdir'), under(root, TREE));
  writeFileSync(join(root, '.service'), NAME);
  const script = 'SVDIR=$(cat .svdir) n=$(cat .service); export SVDIR; exec "$0" status "$n"';
  const [ours, real] = (['ours', 'real'] as const).map((impl) => spawnSync('/bin/sh', ['-c', script, bin(impl, 'sv')], { cwd: root }));
  assert.equal(normalise(ours!.stdout), normalise(real!.stdout));
  assert.match(normalise(ours!.stdout), /^run: s\xff\xfe: \(pid N\) Ns\n$/);
});

test('sv -j: bytes that are not UTF-8 are \\udcXX escapes (PEP 383)', { skip, timeout: 30_000 }, async (t) => {
  const root = makeTempDir(t);
  const service = under(root, NAME);
  makeService(service);
  const proc = startWithName(t, root, bin('ours', 'runsv'), [], service);
  await waitFor('runsv running the service', () => (isSupervised(service) && stateOf(service) === 1) || proc.child.exitCode !== null);
  const result = runWithName(root, bin('ours', 'sv'), ['-j', 'status'], { env: { ...process.env, SVDIR: root } });
  assert.equal(result.code, 0, result.stderr.toString('latin1'));
  const text = result.stdout.toString('latin1');
  assert.ok(text.includes('"service":"s\\udcff\\udcfe"'), text);
  assert.equal(JSON.parse(text).state, 'run');
});

for (const mode of ['ours', 'ours --in-process', 'real'] as const) {
  test(`${mode} runsvdir: a tree and a service whose names are not UTF-8 (RSD-2, RSD-6)`, { skip, timeout: 60_000 }, async (t) => {
    const root = makeTempDir(t);
    const service = makeTreeService(root);
    const args = mode === 'ours --in-process' ? ['--in-process'] : [];
    const [command, argv] = withName(root, bin(mode === 'real' ? 'real' : 'ours', 'runsvdir'), args, TREE);
    // sh execs runsvdir: the same pid.
    const child = spawn(command, argv, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('latin1').on('data', (chunk: string) => (stderr += chunk));
    // 'exit', not 'close': the runsv processes it starts hold its stderr open after it exits.
    const exited = new Promise((resolve) => child.on('exit', resolve));
    t.after(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      // runit's topology leaves runsv running after TERM: `d` and `x` end it and its service.
      stopService(service);
      await waitFor('the service stopped', () => !isSupervised(service), { timeout: 8000 }).catch(() => undefined);
    });
    await waitFor(`${mode} runsvdir running the service (stderr: ${stderr})`, () => isSupervised(service) && stateOf(service) === 1, { timeout: 20_000 });
    assert.ok(statSync(Buffer.concat([service, Buffer.from('/supervise')])).isDirectory());
    assert.equal(stderr, '');
  });
}

test('svlogd: a log directory named with non-UTF-8 bytes, as runit`s (SVL-3, SVL-21)', { skip }, (t) => {
  const root = makeTempDir(t);
  const results: Record<Impl, { code: number | null; stderr: string; current: string }> = {} as never;
  for (const impl of ['ours', 'real'] as const) {
    mkdirSync(join(root, impl));
    mkdirSync(under(root, impl, NAME));
    const result = runWithName(root, bin(impl, 'svlogd'), ['-v'], { cwd: join(root, impl), input: 'one\ntwo\n' });
    const current = readFileSync(under(root, impl, NAME, 'current'), 'latin1');
    results[impl] = { code: result.code, stderr: result.stderr.toString('latin1'), current };
  }
  assert.deepEqual(results.ours, results.real);
  assert.equal(results.ours.current, 'one\ntwo\n');
  assert.ok(results.ours.stderr.includes('new: s\xff\xfe/current'), results.ours.stderr);

  const missing = (['ours', 'real'] as const).map((impl) =>
    runWithName(root, bin(impl, 'svlogd'), [], { cwd: join(root, impl), input: 'x\n', name: Buffer.from([0x6e, 0xff]) }),
  );
  assert.equal(missing[0]!.code, 111);
  assert.equal(missing[1]!.code, 111);
  assert.deepEqual(missing[0]!.stderr, missing[1]!.stderr);
});

test('runit DIR: a tree whose name is not UTF-8 runs its services (in process), and stops them on TERM', { skip, timeout: 60_000 }, async (t) => {
  const root = makeTempDir(t);
  const service = makeTreeService(root);
  // An empty stage directory: nothing of the host's /etc/runit runs.
  mkdirSync(join(root, 'stages'));
  const init = startWithName(t, root, ourBin('runit'), ['-s', join(root, 'stages')], service, TREE);
  await waitFor('the init running the service', () => (isSupervised(service) && stateOf(service) === 1) || init.child.exitCode !== null, { timeout: 20_000 });
  assert.equal(init.child.exitCode, null, init.stderr().toString('latin1'));
  assert.ok(init.stderr().includes(Buffer.from('enter stage: 2 (t\xff)', 'latin1')), init.stderr().toString('latin1'));
  init.child.kill('SIGTERM');
  assert.equal(await init.exited, 0);
  assert.equal(isSupervised(service), false);
});
