/** A tiny tmpfs to fill, for the full-disk tests (SVL-16); mounting needs root. */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type TestContext = { after(fn: () => void | Promise<void>): void };

/** A 64 KiB tmpfs, unmounted and removed when the test ends. */
export function tinyDisk(t: TestContext): string {
  const root = mkdtempSync(join(tmpdir(), 'node-runit-full-'));
  const mnt = join(root, 'mnt');
  mkdirSync(mnt);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]);
  t.after(() => {
    execFileSync('umount', [mnt]);
    rmSync(root, { recursive: true, force: true });
  });
  return mnt;
}

/** Fills the disk with `filler` until a write fails. */
export function fill(path: string): void {
  const fd = openSync(path, 'w');
  try {
    for (const size of [4096, 1]) {
      const block = Buffer.alloc(size, 0x66);
      for (;;) writeSync(fd, block);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    try {
      for (;;) writeSync(fd, Buffer.alloc(1));
    } catch {
      // full to the last byte
    }
  } finally {
    closeSync(fd);
  }
}

