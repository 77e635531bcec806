// Issue 14, fault 0: which stage scripts the init may run. The "system" directory here is a temp
// dir standing in for /etc/runit, so nothing of the machine's is ever looked at.
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chooseStages } from '../../../src/runit/stage-choice.js';
import { DEFAULT_SERVICE_DIR } from '../../../src/runit/stages.js';
import { writeScript } from '../../helpers/service-dir.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

function dirs(t: { after(fn: () => void): void }) {
  const root = makeTempDir(t);
  const system = join(root, 'etc-runit');
  const mine = join(root, 'mine');
  mkdirSync(system);
  mkdirSync(mine);
  return { root, system, mine };
}

test('container mode (DIR) runs no stage script unless asked, PID 1 or not', (t) => {
  const { system, mine } = dirs(t);
  for (const isPid1 of [true, false]) {
    const base = { serviceDir: '/srv/tree', isPid1, systemStageDir: system };
    assert.deepEqual(chooseStages({ ...base, askedStageDir: undefined }), { stageDir: undefined, serviceDir: '/srv/tree' });
    assert.deepEqual(chooseStages({ ...base, askedStageDir: mine }), { stageDir: mine, serviceDir: '/srv/tree' });
  }
});

test('without DIR: the system stage directory as PID 1 only; elsewhere refused', (t) => {
  const { system, mine } = dirs(t);
  writeScript(join(system, '2'), 'exit 0');
  assert.deepEqual(chooseStages({ askedStageDir: undefined, serviceDir: undefined, isPid1: true, systemStageDir: system }), {
    stageDir: system,
    serviceDir: undefined,
  });
  assert.ok('refusal' in chooseStages({ askedStageDir: undefined, serviceDir: undefined, isPid1: false, systemStageDir: system }));
  // Without a stage-2 script stage 2 is /etc/service: for the system's init only.
  assert.deepEqual(chooseStages({ askedStageDir: mine, serviceDir: undefined, isPid1: true, systemStageDir: system }), {
    stageDir: mine,
    serviceDir: DEFAULT_SERVICE_DIR,
  });
  assert.ok('refusal' in chooseStages({ askedStageDir: mine, serviceDir: undefined, isPid1: false, systemStageDir: system }));
  writeScript(join(mine, '2'), 'exit 0');
  assert.deepEqual(chooseStages({ askedStageDir: mine, serviceDir: undefined, isPid1: false, systemStageDir: system }), {
    stageDir: mine,
    serviceDir: undefined,
  });
});

test('the system stage directory, even asked for by another name, is refused when not PID 1', (t) => {
  const { root, system } = dirs(t);
  const alias = join(root, 'alias');
  symlinkSync(system, alias);
  for (const asked of [system, alias, `${system}/.`]) {
    assert.ok('refusal' in chooseStages({ askedStageDir: asked, serviceDir: '/srv/tree', isPid1: false, systemStageDir: system }));
    assert.deepEqual(chooseStages({ askedStageDir: asked, serviceDir: '/srv/tree', isPid1: true, systemStageDir: system }), {
      stageDir: asked,
      serviceDir: '/srv/tree',
    });
  }
});
