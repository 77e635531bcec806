// Long-running svlogd beside real runit's: signals, processors, timed rotation, locks and UDP,
// driven through a held-open stdin and observed through the files (SVL-12..SVL-20).
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { NEEDS_RUNIT } from '../helpers/binaries.js';
import { FLAVOURS, normalize, readLogDir, startSvlogd, type Flavour, type FileEntry } from '../helpers/svlogd-run.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

type TestContext = Parameters<typeof makeTempDir>[0];
type Tracked = ReturnType<typeof startSvlogd>;

interface Live {
  cwd: string;
  proc: Tracked;
  write(text: string): void;
  current(): string;
  rotated(): string[];
  finish(): Promise<{ code: number | null; stderr: string; files: FileEntry[] }>;
}

function startLive(t: TestContext, flavour: Flavour, args: readonly string[], config?: string): Live {
  const cwd = makeTempDir(t, `svlogd-live-${flavour}-`);
  mkdirSync(join(cwd, 'd'));
  if (config !== undefined) writeFileSync(join(cwd, 'd/config'), config);
  const proc = startSvlogd(t, flavour, [...args, 'd'], cwd);
  const dir = join(cwd, 'd');
  return {
    cwd,
    proc,
    write: (text) => proc.child.stdin?.write(text),
    current: () => (existsSync(join(dir, 'current')) ? readFileSync(join(dir, 'current'), 'utf8') : ''),
    rotated: () => readdirSync(dir).filter((name) => name.startsWith('@')).sort(),
    async finish() {
      proc.child.stdin?.end();
      const { code } = await proc.exited;
      return { code, stderr: normalize(proc.stderr()), files: readLogDir(dir) };
    },
  };
}

async function forBoth<T>(scenario: (flavour: Flavour) => Promise<T>): Promise<Record<Flavour, T>> {
  const results = {} as Record<Flavour, T>;
  for (const flavour of FLAVOURS) results[flavour] = await scenario(flavour);
  return results;
}

test('ALRM rotates a non-empty current, HUP re-reads config (SVL-19, SVL-20)', { skip: NEEDS_RUNIT }, async (t) => {
  const results = await forBoth(async (flavour) => {
    const live = startLive(t, flavour, ['-v']);
    live.write('one\n');
    await waitFor('the first line in current', () => live.current() === 'one\n');
    live.proc.child.kill('SIGALRM');
    await waitFor('a rotated file', () => live.rotated().length === 1 && live.current() === '');
    writeFileSync(join(live.cwd, 'd/config'), 'pPFX:\n');
    live.write('two\n');
    await waitFor('the second line', () => live.current() === 'two\n');
    live.proc.child.kill('SIGHUP');
    await waitFor('the reopen', () => live.proc.stderr().includes('append: d/current'));
    live.write('three\n');
    await waitFor('a prefixed line', () => live.current() === 'two\nPFX:three\n');
    return live.finish();
  });
  assert.deepEqual(results.ours, results.real);
  assert.equal(results.ours.code, 0);
});

test('a processor turns each rotated file into .s and keeps state (SVL-17, SVL-18)', { skip: NEEDS_RUNIT }, async (t) => {
  const config = 's60\nn0\n!if [ -e flag ]; then tr a-z A-Z; (cat <&4; echo x) >&5; else touch flag; exit 1; fi\n';
  const lines = Array.from({ length: 12 }, (_, i) => `line number ${i}`).join('\n') + '\n';
  const results = await forBoth(async (flavour) => {
    const live = startLive(t, flavour, ['-v', '-l', '20', '-b', '64'], config);
    live.write(lines);
    const outcome = await live.finish();
    // When real svlogd notices SIGCHLD depends on timing (it is blocked during a synchronous wait).
    return { ...outcome, stderr: outcome.stderr.replaceAll('svlogd: info: sigchild received.\n', '') };
  });
  assert.deepEqual(results.ours, results.real);
  assert.match(results.ours.stderr, /processor failed, restart: d\n.*processing: d\/@TAI64N.u\n.*processed: d\/@TAI64N.s/s);
  assert.ok(results.ours.files.some((file) => file.name === 'state' && file.content.startsWith('x\nx\n')));
});

test('t rotates current on time when it is not empty (SVL-4 t, SVL-12)', { skip: NEEDS_RUNIT }, async (t) => {
  const results = await forBoth(async (flavour) => {
    const live = startLive(t, flavour, [], 't1\n');
    live.write('timed\n');
    await waitFor('a timed rotation', () => live.rotated().length === 1 && live.current() === '', { timeout: 15_000 });
    return live.finish();
  });
  assert.deepEqual(results.ours, results.real);
});

test('the lock keeps a second svlogd out, whichever runs first (GEN-6, SVL-3 step 2)', { skip: NEEDS_RUNIT }, async (t) => {
  for (const [first, second] of [
    ['real', 'ours'],
    ['ours', 'real'],
  ] as const) {
    const holder = startLive(t, first, []);
    holder.write('held\n');
    await waitFor('the holder to write', () => holder.current() === 'held\n');
    const intruder = startSvlogd(t, second, ['d'], holder.cwd);
    intruder.child.stdin?.end('x\n');
    const { code } = await intruder.exited;
    assert.equal(code, 111, `${second} beside ${first}`);
    assert.equal(
      intruder.stderr(),
      'svlogd: warning: unable to lock directory: d: temporary failure\nsvlogd: fatal: no functional log directories.\n',
    );
    assert.equal((await holder.finish()).code, 0);
  }
});

test('UDP copies carry stamp, prefix and at most -l bytes; U keeps them out of the directory (SVL-10)', { skip: NEEDS_RUNIT }, async (t) => {
  const results = await forBoth(async (flavour) => {
    const server = createSocket('udp4');
    server.bind(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => server.close());
    const datagrams: string[] = [];
    server.on('message', (message) => datagrams.push(normalize(message.toString('latin1'))));
    const { port } = server.address();
    const outcome: Record<string, unknown> = {};
    for (const letter of ['u', 'U']) {
      const live = startLive(t, flavour, ['-t', '-l', '12'], `${letter}127.0.0.1:${port}\npPRE:\n`);
      live.write('udp line one\na very long line indeed\nshort\n');
      await waitFor('three datagrams', () => datagrams.length === 3);
      const { code, stderr, files } = await live.finish();
      // config holds this run's port; the rest must match.
      outcome[letter] = { code, stderr, files: files.filter((file) => file.name !== 'config'), datagrams: datagrams.splice(0) };
    }
    return outcome;
  });
  assert.deepEqual(results.ours, results.real);
});

test('TERM at a line boundary writes everything read and exits 0 (SVL-20)', { skip: NEEDS_RUNIT }, async (t) => {
  const results = await forBoth(async (flavour) => {
    const live = startLive(t, flavour, []);
    live.write('alpha\nbeta\n');
    await waitFor('both lines', () => live.current() === 'alpha\nbeta\n');
    live.proc.child.kill('SIGTERM');
    const { code } = await live.proc.exited;
    return { code, files: readLogDir(join(live.cwd, 'd')) };
  });
  assert.deepEqual(results.ours, results.real);
  assert.equal(results.ours.code, 0);
});

test('HUP when no directory can be reopened is fatal with 111 (SVL-19)', { skip: NEEDS_RUNIT }, async (t) => {
  const results = await forBoth(async (flavour) => {
    const live = startLive(t, flavour, ['-v']);
    live.write('one\n');
    await waitFor('the line', () => live.current() === 'one\n');
    rmSync(join(live.cwd, 'd'), { recursive: true });
    live.proc.child.kill('SIGHUP');
    const { code } = await live.proc.exited;
    return { code, stderr: live.proc.stderr() };
  });
  assert.deepEqual(results.ours, results.real);
  assert.equal(results.ours.code, 111);
});
