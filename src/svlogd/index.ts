/**
 * The entry point for hosting svlogd inside another program (e.g. on a log pipe in an
 * in-process supervisor tree); the `svlogd` command is a thin cli over the same engine.
 * `openInput(fd)` owns the descriptor and closes it when `run()` ends: a host that keeps its
 * log pipe across logger restarts (as runsv does) passes a dup of its read end.
 */
export { Svlogd, type SvlogdOptions } from './engine.js';
export { openInput, type InputSource } from './input.js';
export type { StampMode } from './stamp.js';
