/** node-runit's public face (DESIGN.md). */
export { ServiceBuilder, quoteShellWord, quoteShellCommand } from './client/builder.js';
export type {
  Flavour,
  LogOptions,
  ProcessOptions,
  ServiceLimits,
  StderrTarget,
  Timestamps,
  ServiceFile,
  ServiceFiles,
} from './client/builder.js';
export { RunitError, OpError, SysError, type RunitErrorCode } from './errors.js';
