/** The svlogd engine, for a process that runs log services itself (reading a log pipe it owns). */
export { SvlogdEngine } from './engine.js';
export type { SvlogdOptions } from './engine-options.js';
export { FATAL, SvlogdFatalError } from './jobs.js';
export type { StampFormat } from './stamp.js';
export { engineOptionsOf, parseArgs as parseSvlogdArgs, type SvlogdArgs } from './options.js';
