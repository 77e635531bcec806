/** node-runit's public face (DESIGN.md). */
export { ServiceBuilder, quoteShellWord, quoteShellCommand } from './client/builder.js';
export type {
  LogOptions,
  ProcessOptions,
  ServiceLimits,
  StderrTarget,
  Timestamps,
  ServiceFile,
  ServiceFiles,
} from './client/builder.js';
export { DevTree, type DevTreeOptions, type DevServiceStatus, type StopOptions } from './client/dev-tree.js';
export { RunitError, OpError, SysError, type RunitErrorCode } from './errors.js';
