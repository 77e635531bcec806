/**
 * The entry point for hosting svlogd inside another program (e.g. on a log pipe in an
 * in-process supervisor tree); the `svlogd` command is a thin cli over the same engine.
 */
export { Svlogd, type SvlogdOptions } from './engine.js';
export { openInput, type InputSource } from './input.js';
export type { StampMode } from './stamp.js';
