/**
 * `node-runit/views`: the library under the `node-runit` command (docs/node-runit.md), for
 * programs that want the same views without running it.
 */
export { ProcSnapshot, parseProcStat, type ProcessUsage } from './proc-usage.js';
export { listServiceDirs, listTrees, readTrees, resolveServices, viewOf, type ReadTreeOptions, type ServiceView } from './services.js';
export { formatBytes, formatDuration, formatExit, formatTable, stateText, type TableOptions } from './table.js';
export { CONVENTIONAL_LOG_DIR, findLogSource, lineStampMillis, parseSvlogdLine, type LogSource, type StampKind } from './log-source.js';
export { mergeByTime, rotatedFiles, tailLogs, tailSource, type LogLine } from './log-tail.js';
export { followLogs, LogFollower, type FollowOptions } from './log-follow.js';
export { eventsBetween, watchTree, type EventSnapshot, type TreeEvent, type TreeEventType, type WatchTreeOptions } from './events.js';
export { escapeLabel, formatMetrics, healthOf, type Health } from './metrics.js';
export { handleMetrics, listen, listenMetrics, METRICS_CONTENT_TYPE, type ListenOptions } from './metrics-server.js';
export { controlRefusal, startWeb, webViews, WEB_ACTIONS, type WebAction, type WebOptions, type WebServer, type WebServiceView } from './web.js';
