/**
 * What the examples share: a DevTree in the directory given as the first argument (or a temp
 * dir removed at the end), its runsvdir started, and always stopped again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevTree } from '../src/index.js';

/** Runs `body` with a started tree whose services `build` wrote and enabled. */
export async function withTree(build: (tree: DevTree) => Promise<string[]>, body: (tree: DevTree, services: string[]) => Promise<void>): Promise<void> {
  const given = process.argv[2];
  const base = given ?? mkdtempSync(join(tmpdir(), 'node-runit-example-'));
  const tree = new DevTree(base);
  try {
    await tree.ensure();
    const names = await build(tree);
    for (const name of names) await tree.enable(name);
    await tree.startRunsvdir();
    await body(
      tree,
      names.map((name) => join(tree.enabledDir, name)),
    );
  } finally {
    await tree.stopRunsvdir();
    if (given === undefined) rmSync(base, { recursive: true, force: true });
  }
}
