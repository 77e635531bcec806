// Generated scripts hand every argument and env value over byte for byte: each flavour's ./run
// is executed as its supervisor would (cwd = service dir) with words full of shell syntax.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ServiceBuilder } from '../../src/index.js';
import { ourBin, realBin } from '../helpers/binaries.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const NASTY = ['a b', "it's", '"double"', '$HOME', '${PATH}', '`id`', '$(echo hi)', 'line1\nline2', '\n', '*', '', '-x', '\\', '\\n', 'ünïcødé', '!', ';exit 3', 'tab\there', '~', "'", "''"];
const ENV = { V1: "it's $HOME", V2: 'a\nb', V3: '', V4: '`x` "y" \\', V5: '\nleading newline' };

// Prints what the program received: its arguments, the variables, its cwd and umask.
const REPORT = `
const fs = require('node:fs');
const [out, ...args] = process.argv.slice(1);
const env = Object.fromEntries(Object.keys(${JSON.stringify(ENV)}).map((k) => [k, process.env[k]]));
const umask = process.umask();
fs.writeFileSync(out, JSON.stringify({ args, env, cwd: process.cwd(), umask }));
`;

interface Received {
  args: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  umask: number;
}

function runScript(dir: string, out: string): Received {
  const result = spawnSync('./run', [], { cwd: dir, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, timeout: 20_000 });
  assert.equal(result.status, 0, `./run failed: ${result.stderr}`);
  return JSON.parse(readFileSync(out, 'utf8')) as Received;
}

const VARIANTS: Array<[string, (name: string, parent: string) => ServiceBuilder]> = [
  ['runit with our chpst', (name, parent) => ServiceBuilder.runit(name, parent).tool('chpst', ourBin('chpst'))],
  ['runit with real chpst', (name, parent) => ServiceBuilder.runit(name, parent).tool('chpst', realBin('chpst'))],
  ['daemontools', (name, parent) => ServiceBuilder.daemontools(name, parent)],
  ['s6', (name, parent) => ServiceBuilder.s6(name, parent)],
];

test('arguments, env values and cwd reach the program exactly, in every flavour', async (t) => {
  const root = makeTempDir(t);
  const cwd = join(root, "work dir with 'quotes' and $x");
  mkdirSync(cwd);
  for (const [index, [what, make]] of VARIANTS.entries()) {
    const out = join(root, `out-${index}.json`);
    const dir = await make(`svc${index}`, join(root, 'sv'))
      .command([process.execPath, '-e', REPORT, out, ...NASTY])
      .envs(ENV)
      .cwd(cwd)
      .umask(0o027)
      .build();
    const received = runScript(dir, out);
    assert.deepEqual(received.args, NASTY, `${what}: arguments`);
    assert.deepEqual(received.env, ENV, `${what}: env values`);
    assert.equal(received.cwd, cwd, `${what}: cwd`);
    assert.equal(received.umask, 0o027, `${what}: umask`);
  }
});

test('a finish command is quoted the same way and gets the supervisor\'s arguments when asked (RSV-19)', async (t) => {
  const root = makeTempDir(t);
  const out = join(root, 'finish.json');
  const dir = await ServiceBuilder.runit('svc', root).command(['true']).finish([process.execPath, '-e', REPORT, out, ...NASTY], { withStatus: true }).build();
  const result = spawnSync('./finish', ['-1', '9'], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual((JSON.parse(readFileSync(out, 'utf8')) as Received).args, [...NASTY, '-1', '9']);
});

test('a finish command runs exactly as given: runsv\'s two arguments are not appended (issue 17)', async (t) => {
  const root = makeTempDir(t);
  const out = join(root, 'finish.json');
  // finish(['sleep', '0.5']) used to run `sleep 0.5 3 0`, which sleeps 3.5 s.
  const dir = await ServiceBuilder.runit('svc', root).command(['true']).finish([process.execPath, '-e', REPORT, out, ...NASTY]).build();
  const result = spawnSync('./finish', ['3', '0'], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual((JSON.parse(readFileSync(out, 'utf8')) as Received).args, NASTY);
});
