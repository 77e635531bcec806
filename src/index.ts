/** node-runit's public face (README.md; docs/api.md in the repository): the client library (Client, Manager, watch, Status, ServiceBuilder, DevTree) and its errors. */
export * from './client/index.js';
export { OpError, RunitError, SysError, errorText, type ErrnoName, type RunitErrorCode, type RunitErrorCodes } from './errors.js';
export { formatRunStats, isCrashLoop, isRunStatsCurrent, parseRunStats, type RunExit, type RunStats } from './protocol/run-stats.js';
export { unpackStatus, unpackStatusInto, emptyStatusRecord, packStatus, type StatusRecord } from './protocol/status.js';
