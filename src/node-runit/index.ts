/**
 * `node-runit/views`: the library under the `node-runit` command (docs/node-runit.md), for
 * programs that want the same views without running it.
 */
export { ProcSnapshot, parseProcStat, type ProcessUsage } from './proc-usage.js';
export { listServiceDirs, listTrees, readTrees, viewOf, type ReadTreeOptions, type ServiceView } from './services.js';
export { formatBytes, formatDuration, formatExit, formatTable, stateText, type TableOptions } from './table.js';
