/**
 * PID 1's first duty: orphans re-parent to us and nobody else will wait for them. The reaper
 * lives in sys/orphans.ts, shared with runsv (a supervisor that follows a new main pid is a
 * subreaper too); the init uses it from here.
 */
export { childPids, descendantPids, reapOrphans, startReaper, type Reaper } from '../sys/orphans.js';
