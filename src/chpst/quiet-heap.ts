/**
 * Makes the heap stand still for the limits, which are set just before the exec: once a data
 * or address-space limit is below what Node has mapped, any growth aborts it. V8's concurrent
 * compiler and GC threads allocate whenever they like (Node 24 aborted ~1 run in 5: `Zone
 * Allocation failed`, `std::bad_alloc`), and a scavenge may commit new semi-space (Node 22, once
 * its code cache was refused: `Committing semi space failed`). So chpst runs itself again with
 * V8 single-threaded and `gc` exposed, before it has changed anything, and that run collects
 * first: 0 aborts in 200 runs on each of Node 20, 22 and 24 (issue 17). One more Node start-up and a
 * GC, only when limits are asked for.
 */
import { cString, cVector, execveNow, setCloseOnExec } from '../sys/index.js';
import { byteString } from '../sys/received.js';

const QUIET_V8 = ['--single-threaded', '--expose-gc'];

/**
 * In the first run: execs this chpst again under QUIET_V8 with the same `args` (byte strings)
 * and `environ`, handing over the `inherited` descriptors; returns only if the exec failed. In
 * the second run: collects garbage and returns.
 */
export function quietenHeapForLimits(args: readonly string[], inherited: ReadonlySet<number>, environ: readonly string[]): void {
  if (process.execArgv.includes(QUIET_V8[0]!)) {
    (globalThis as { gc?: () => void }).gc?.();
    return;
  }
  if (process.argv[1] === undefined) return;
  // Node marks fds 0-15 close-on-exec at start-up (inherited-fds.ts): hand the inherited ones over.
  for (const fd of inherited) {
    try {
      setCloseOnExec(fd, false);
    } catch {
      // Already gone: nothing to hand over.
    }
  }
  const argv = [...[process.execPath, ...process.execArgv, ...QUIET_V8, process.argv[1]].map(byteString), ...args];
  execveNow(cString(byteString(process.execPath)), cVector(argv), cVector(environ));
}
