// LSB mode (SV-16): sv called through a symlink named after the service, e.g. /etc/init.d/foo.
// Real sv and ours side by side, each through its own symlink in its own twin tree.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NEEDS_RUNIT, ourBin, realBin } from '../helpers/binaries.js';
import { type RunsvTree, SUPERVISORS } from '../helpers/runsv-tree.js';
import { linkAs, type ServiceSpec } from '../helpers/service-dir.js';
import { compareSv, startTwins, type Twins } from './sv-harness.js';

const TREE: Record<string, ServiceSpec> = {
  plain: {},
  plaindown: { down: true },
  bothup: { log: {} },
  maindown: { down: true, log: {} },
  logdown: { log: { down: true } },
  stale: { unsupervised: true },
  short: { unsupervised: true },
  cycle: { down: true },
};

const held: number[] = [];

function prepare(tree: RunsvTree, sv: string): void {
  for (const name of [...Object.keys(TREE), 'nonexist']) linkAs(join(tree.root, 'initd'), name, sv);
  for (const name of ['stale', 'short']) {
    mkdirSync(join(tree.root, name, 'supervise'));
    execFileSync('mkfifo', [join(tree.root, name, 'supervise', 'ok')]);
  }
  writeFileSync(join(tree.root, 'stale', 'supervise', 'status'), Buffer.alloc(20));
  writeFileSync(join(tree.root, 'short', 'supervise', 'status'), 'xyz');
  held.push(openSync(join(tree.root, 'short', 'supervise', 'ok'), constants.O_RDONLY | constants.O_NONBLOCK));
}

for (const supervisor of SUPERVISORS) {
  describe(`sv in LSB mode under ${supervisor.name} (SV-16)`, { skip: NEEDS_RUNIT, concurrency: 4 }, () => {
    let twins: Twins;
    before(async () => {
      twins = await startTwins(supervisor, TREE);
      prepare(twins.real, realBin('sv'));
      prepare(twins.ours, ourBin('sv'));
    });
    after(async () => {
      for (const fd of held.splice(0)) closeSync(fd);
      await twins?.cleanup();
    });
    const lsb = (name: string, args: string[]) =>
      compareSv(twins, args, { command: (root) => join(root, 'initd', name) });

    for (const name of ['plain', 'plaindown', 'bothup', 'maindown', 'logdown', 'stale', 'short', 'nonexist']) {
      test(`status of ${name}: exit code 0/3/4/1 as 2.1.2 computes it`, async () => {
        await lsb(name, ['status']);
        await lsb(name, ['status', 'ignored', 'arguments']);
      });
    }

    test('usage errors exit 2: unknown word, s-words other than status, -V, bad option, none', async () => {
      for (const args of [['bogus'], ['stat'], ['s'], ['-V'], ['-x', 'status'], [], ['-w'], ['reboot'], ['force-bogus']]) {
        await lsb('plain', args);
      }
    });

    test('start, stop, shutdown and the other commands count failures like normal mode', async () => {
      await lsb('cycle', ['start']);
      await lsb('cycle', ['-w', '5', 'stop']);
      await lsb('cycle', ['-v', 'up']);
      await lsb('cycle', ['check']);
      // restart last: in the same second as the previous start its `t` condition holds at once
      // (whole-second comparison, SV-11), so what follows would race runsv's restart.
      await lsb('cycle', ['restart']);
      await lsb('stale', ['start']);
      await lsb('stale', ['shutdown']);
      await lsb('nonexist', ['stop']);
      await lsb('cycle', ['shutdown']);
    });
  });
}
