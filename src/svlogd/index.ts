/** The svlogd engine for in-process hosts (a supervisor reading a log pipe itself). */
export { SvlogdEngine, type SvlogdOptions } from './engine.js';
export { SvlogdFatalError } from './jobs.js';
export type { StampFormat } from './stamp.js';
