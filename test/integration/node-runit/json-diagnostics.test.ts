// NODE_RUNIT_DIAGNOSTICS=json (issue 21): runsvdir --in-process writes its own and its
// supervisors' diagnostics as pino JSON lines with the same content as runit's text.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ourBin } from '../../helpers/binaries.js';
import { makeTreeRoot, startRunsvdirTree } from '../../helpers/runsvdir-tree.js';
import { makeService, writeScript } from '../../helpers/service-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

function treeWithWarning(): string {
  const root = makeTreeRoot();
  const dir = join(root, 'service');
  makeService(join(dir, 'odd'), { log: 'not-a-dir' });
  writeFileSync(join(root, 'marker'), '');
  return dir;
}

test('the same diagnostics, as text by default and as JSON lines when asked', { timeout: 60_000 }, async (t) => {
  const textDir = treeWithWarning();
  const text = startRunsvdirTree(t, process.execPath, [ourBin('runsvdir'), '--in-process', textDir], process.env, join(textDir, '..'));
  const textLine = await waitFor('the text warning', () => /^runsv odd: warning: .*$/m.exec(text.stderr())?.[0], { timeout: 20_000 });

  const jsonDir = treeWithWarning();
  const json = startRunsvdirTree(t, process.execPath, [ourBin('runsvdir'), '--in-process', jsonDir], { ...process.env, NODE_RUNIT_DIAGNOSTICS: 'json' }, join(jsonDir, '..'));
  const record = await waitFor('the JSON warning', () => {
    const line = json.stderr().split('\n').find((candidate) => candidate.includes('"program":"runsv"'));
    return line === undefined ? undefined : (JSON.parse(line) as Record<string, unknown>);
  }, { timeout: 20_000 });
  assert.equal(record['level'], 40, "pino's warn");
  assert.equal(record['program'], 'runsv');
  assert.equal(record['name'], 'odd');
  assert.equal(record['line'], textLine, "runit's text, whole");
  assert.equal(`runsv odd: warning: ${record['msg']}`, textLine);
  assert.equal(typeof record['time'], 'number');
  for (const line of json.stderr().trim().split('\n')) assert.doesNotThrow(() => JSON.parse(line), line);
});

test('the init (runit, not as PID 1) writes its stage messages as JSON lines', { timeout: 60_000 }, async (t) => {
  const root = makeTreeRoot();
  const stages = join(root, 'stages');
  const services = join(root, 'service');
  makeService(stages, { run: 'exit 0' });
  for (const stage of ['1', '3']) writeScript(join(stages, stage), 'exit 0');
  mkdirSync(services);
  const init = startRunsvdirTree(t, process.execPath, [ourBin('runit'), '-s', stages, services], { ...process.env, NODE_RUNIT_DIAGNOSTICS: 'json' }, root);
  await waitFor('stage 2 entered', () => init.stderr().includes('enter stage: 2'), { timeout: 20_000 });
  process.kill(init.pid, 'SIGTERM');
  const { code } = await init.exited;
  assert.equal(code, 0);
  const records = init.stderr().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(records.map((record) => record['msg']).slice(0, 3), [`enter stage: ${join(stages, '1')}`, `leave stage: ${join(stages, '1')}`, `enter stage: 2 (${services})`]);
  assert.ok(records.every((record) => record['program'] === 'runit' && String(record['line']).startsWith('- runit: ')));
});
