/**
 * `node-runit/daemon`: the service side of supervision (docs/daemon.md). A Node service written
 * on it reloads without a new pid (SIGHUP, `sv hup`), says when it is ready (sd_notify and s6's
 * notification fd), takes its listening sockets from its supervisor (LISTEN_FDS) or binds them,
 * drains on SIGTERM, and can hand over to a new version of itself.
 */
export { Daemon, run, type ExitResult, type GenerationContext, type RunOptions } from './daemon.js';
export { FdStore } from './fd-store.js';
export type { Cleanup, GenerationSpec } from './generation.js';
export { HANDOVER_FD_VARIABLE, LISTEN_FDS_START, passedFds, type PassedFd } from './listen-fds.js';
export { handoverRefusal, type ReplaceOptions } from './replace.js';
export { FOLLOWS_MAINPID_VARIABLE } from '../protocol/main-pid.js';
export { Listener, Listeners, type ListenSpec } from './listeners.js';
export { createDaemonLogger, LOG_LEVEL_VARIABLE, SYSLOG_LEVELS, type DaemonLogger, type LoggerOptions, type SyslogLevel } from './logger.js';
export { monotonicMicros, Notifier, type NotifierOptions } from './notify.js';
export { serve, serveDatagrams, type Served } from './servers.js';
export { RunitError } from '../errors.js';
