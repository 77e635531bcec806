/** The svlogd engine for in-process hosts (a supervisor reading a log pipe itself). */
export { SvlogdEngine } from './engine.js';
export type { SvlogdOptions } from './engine-options.js';
export { SvlogdFatalError } from './jobs.js';
export type { StampFormat } from './stamp.js';
