// node-runit logs (issue 21): finding svlogd's directory, the merged tail, and `-f` that sees
// every line across 50 rotations in order, with real runit's svlogd and ours.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { followLogs } from '../../../src/node-runit/log-follow.js';
import { findLogSource } from '../../../src/node-runit/log-source.js';
import { NEEDS_RUNIT, ourBin, realBin } from '../../helpers/binaries.js';
import { makeService } from '../../helpers/service-dir.js';
import { runCommand } from '../../helpers/sv-run.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { startViewTree, TREE_KINDS } from '../../helpers/view-tree.js';
import { waitFor } from '../../helpers/wait-for.js';

const LINES = 2400;
const ROTATIONS = 50;

for (const [label, svlogd] of [['real svlogd', realBin('svlogd')], ['our svlogd', ourBin('svlogd')]] as const) {
  describe(`logs -f, ${label}`, { skip: NEEDS_RUNIT }, () => {
    test(`every line across ${ROTATIONS} rotations, in order`, { timeout: 120_000 }, async (t) => {
      const root = makeTempDir(t);
      const service = makeService(join(root, 'chatty'), { log: { run: 'exec svlogd -tt ./main' } });
      const main = join(service, 'log', 'main');
      mkdirSync(main);
      writeFileSync(join(main, 'config'), 's4096\nn0\n');
      const source = findLogSource('chatty', service);
      assert.equal(source.logDir, main);
      assert.equal(source.stamps, 'tt');

      const controller = new AbortController();
      const seen: string[] = [];
      const follow = followLogs([source], { signal: controller.signal, interval: 50 });
      const writer = spawn(svlogd, ['-tt', './main'], { cwd: join(service, 'log'), stdio: ['pipe', 'ignore', 'inherit'] });
      t.after(() => writer.kill('SIGKILL'));
      const reading = (async () => {
        for await (const line of follow) {
          assert.ok(line.at !== undefined && Math.abs(line.at - Date.now()) < 60_000, `a -tt stamp on ${line.line}`);
          seen.push(line.line.slice(line.line.indexOf(' ') + 1));
          if (seen.length === LINES) controller.abort();
        }
      })();
      for (let i = 1; i <= LINES; i++) {
        const text = `line ${String(i).padStart(5, '0')} ${'x'.repeat(40)}\n`;
        if (!writer.stdin.write(text)) await once(writer.stdin, 'drain');
        if (i % 40 === 0) await new Promise((resolve) => setTimeout(resolve, 5)); // let rotations interleave with reads
      }
      const deadline = setTimeout(() => controller.abort(), 60_000);
      await reading;
      clearTimeout(deadline);
      writer.stdin.end();
      await once(writer, 'exit');
      const rotated = readdirSync(main).filter((name) => name.startsWith('@'));
      assert.ok(rotated.length >= ROTATIONS, `only ${rotated.length} rotations`);
      assert.equal(seen.length, LINES, `saw ${seen.length} of ${LINES} lines`);
      for (let i = 0; i < LINES; i++) assert.equal(seen[i], `line ${String(i + 1).padStart(5, '0')} ${'x'.repeat(40)}`, `line ${i + 1}`);
    });
  });
}

test('logs -n: each service tail merged in time order, prefixed; a service without a log directory says where its output goes', async (t) => {
  const root = makeTempDir(t);
  const tree = join(root, 'service');
  makeService(join(tree, 'a'), { log: { run: 'exec chpst -u log svlogd -t -r _ ./logs' } });
  makeService(join(tree, 'b'), { log: { run: 'exec svlogd -tt main' } });
  makeService(join(tree, 'c'), {});
  mkdirSync(join(tree, 'a', 'log', 'logs'));
  mkdirSync(join(tree, 'b', 'log', 'main'));
  // a: TAI64N stamps (-t) at seconds 100, 300; b: -tt stamps at 200, 400 (UTC).
  const tai = (seconds: number): string => `@${(0x400000000000000an + BigInt(seconds)).toString(16).padStart(16, '0')}00000000`;
  writeFileSync(join(tree, 'a', 'log', 'logs', 'current'), `${tai(100)} a-one\n${tai(300)} a-two\n`);
  writeFileSync(join(tree, 'b', 'log', 'main', 'current'), '1970-01-01_00:03:20.00000 b-one\n1970-01-01_00:06:40.00000 b-two\n');
  const result = await runCommand(ourBin('node-runit'), ['logs', '-n', '5', tree]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.stdout.split('\n').slice(0, -1).map((line) => line.replace(/ \| \S+ /, ' | ')), [
    'a | a-one',
    'b | b-one',
    'a | a-two',
    'b | b-two',
  ]);
  assert.match(result.stderr, /^node-runit: c: no log service: its output goes to /m);
  const one = await runCommand(ourBin('node-runit'), ['logs', '-n', '1', join(tree, 'b')]);
  assert.equal(one.stdout, 'b | 1970-01-01_00:06:40.00000 b-two\n');
});

test('node-runit logs -f: the tail, then appended lines, until SIGINT', { timeout: 30_000 }, async (t) => {
  const root = makeTempDir(t);
  const service = makeService(join(root, 'svc'), { log: { run: 'exec svlogd ./main' } });
  mkdirSync(join(service, 'log', 'main'));
  const current = join(service, 'log', 'main', 'current');
  writeFileSync(current, 'old one\nold two\n');
  const child = spawn(ourBin('node-runit'), ['logs', '-f', '-n', '1', service], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  await waitFor('the tail', () => out === 'svc | old two\n');
  appendFileSync(current, 'new three\n');
  await waitFor('the appended line', () => out === 'svc | old two\nsvc | new three\n');
  child.kill('SIGINT');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});

for (const kind of TREE_KINDS) {
  test(`logs of a running tree (${kind}): what the service printed, through its svlogd`, { skip: NEEDS_RUNIT, timeout: 60_000 }, async (t) => {
    const tree = startViewTree(t, kind, {
      talker: { run: 'echo "hello from talker"\nexec sleep 1000', log: { run: 'mkdir -p main\nexec svlogd -tt ./main' } },
      quiet: {},
    });
    const result = await waitFor('the line in the log', async () => {
      const run = await runCommand(ourBin('node-runit'), ['logs', '-n', '5', tree.dir]);
      return run.stdout.includes('hello from talker') ? run : undefined;
    }, { timeout: 20_000, interval: 200 });
    assert.match(result.stdout, /^talker \| \d{4}-\d{2}-\d{2}_\d{2}:\d{2}:\d{2}\.\d{5} hello from talker$/m);
    assert.match(result.stderr, /^node-runit: quiet: no log service/m);
  });
}
