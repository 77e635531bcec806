/** The svlogd engine, for a process that runs log services itself (reading a log pipe it owns). */
export { SvlogdEngine } from './engine.js';
export type { SvlogdOptions } from './engine-options.js';
export { SvlogdFatalError } from './jobs.js';
export type { StampFormat } from './stamp.js';
