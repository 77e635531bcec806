/**
 * A scenario's lifetime: what it starts and creates is registered here (through test/helpers'
 * `defer`, in reverse order of creation) and undone when the scenario ends, fails or the bench
 * is interrupted. The scope has node:test's `after` shape so the test helpers work unchanged.
 */
import { defer } from '../../test/helpers/cleanup.js';
import { killPid } from '../../test/helpers/procs.js';
import { makeTempDir } from '../../test/helpers/temp-dir.js';
import { pidsWithin } from './procfs.js';
import { reapPids } from './reap.js';

const open = new Set<Scope>();

export class Scope {
  private readonly hooks: Array<() => void | Promise<void>> = [];

  constructor() {
    open.add(this);
  }

  after(hook: () => void | Promise<void>): void {
    this.hooks.push(hook);
  }

  /** Runs the cleanups; a failing one does not stop the others. */
  async close(): Promise<void> {
    open.delete(this);
    for (const hook of this.hooks.splice(0)) {
      try {
        await hook();
      } catch (error) {
        process.stderr.write(`bench: cleanup failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  }

  /**
   * A fresh directory, removed at close after everything started inside it has stopped. As the
   * last net before removal, any process still working in it (a service whose supervisor was
   * interrupted mid-start-up) is KILLed: nothing else can have its cwd in a dir we just made.
   */
  tempDir(label: string): string {
    const dir = makeTempDir(this, `node-runit-bench-${label}-`);
    this.defer(async () => {
      const strays = pidsWithin(dir);
      for (const pid of strays) killPid(pid, 'SIGKILL');
      await reapPids(strays, 5000);
    });
    return dir;
  }

  defer(cleanup: () => void | Promise<void>): void {
    defer(this, cleanup);
  }
}

export async function withScope<T>(body: (scope: Scope) => Promise<T>): Promise<T> {
  const scope = new Scope();
  try {
    return await body(scope);
  } finally {
    await scope.close();
  }
}

/** For an interrupted run: stop everything still open, newest scope first. */
export async function closeAllScopes(): Promise<void> {
  for (const scope of [...open].reverse()) await scope.close();
}
