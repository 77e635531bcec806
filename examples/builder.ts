/**
 * ServiceBuilder: the same service written for runit, daemontools and s6, and a bad input
 * refused before anything is written.
 *
 *   node dist/examples/builder.js [parent-dir]     (default: a temp dir, removed at the end)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunitError, ServiceBuilder } from '../src/index.js';

const given = process.argv[2];
const parent = given ?? mkdtempSync(join(tmpdir(), 'node-runit-example-'));

for (const make of [ServiceBuilder.runit, ServiceBuilder.daemontools, ServiceBuilder.s6]) {
  const builder = make(`web-${make.name}`, parent)
    .command(['node', 'server.js', '--greeting', "it's $HOME"])
    .env('NODE_ENV', 'production')
    .user('nobody')
    .limits({ openFiles: 1024 })
    .log({ timestamps: 'tai64n', size: 1_000_000, count: 10 });
  const dir = await builder.build();
  console.log(`== ${builder.flavour}: ${dir}`);
  for (const file of ['run', 'log/run', 'log/main/config']) {
    try {
      console.log(`-- ${file}\n${readFileSync(join(dir, file), 'utf8').trimEnd()}`);
    } catch {
      // multilog and s6-log take their settings as arguments: no config file
    }
  }
}

try {
  await ServiceBuilder.runit('bad', parent).command(['app']).env('NOT-A-NAME', 'x').build();
} catch (error) {
  if (!(error instanceof RunitError)) throw error;
  console.log(`refused: ${error.code}: ${error.message}`);
}

if (given === undefined) rmSync(parent, { recursive: true, force: true });
