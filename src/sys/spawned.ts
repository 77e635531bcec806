/**
 * The pids of children that libuv spawned in this process and will reap itself. An init that
 * reaps orphans (PID 1 or subreaper) must never waitpid() one of these, or Node's `exit` event
 * for it would be lost (docs/runit.md, "PID-1 duties"). Every in-process spawn goes through `spawnTracked`.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const libuvChildren = new Set<number>();

export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, options);
  const pid = child.pid;
  if (pid !== undefined) {
    libuvChildren.add(pid);
    // 'exit' comes once; `on` spares the wrapper `once` would keep for the child's lifetime.
    child.on('exit', () => libuvChildren.delete(pid));
  }
  return child;
}

/** Whether libuv owns (and will reap) this pid. */
export function isLibuvChild(pid: number): boolean {
  return libuvChildren.has(pid);
}
