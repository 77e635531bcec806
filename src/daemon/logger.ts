/**
 * The daemon helper's own events (a generation started, a reload failed, a forced exit) logged
 * through pino with syslog's eight levels, so a line can be routed by priority (svlogd's
 * patterns, journald's PRIORITY). The level comes from NODE_RUNIT_DAEMON_LOG_LEVEL (default
 * `notice`); a pino transport may be given, else JSON lines go to stderr, which runit, s6 and
 * systemd all collect.
 */
import pino, { type Logger, type TransportSingleOptions } from 'pino';

/** syslog(3)'s levels as pino numbers (higher is more severe), emerg..debug = priority 0..7. */
export const SYSLOG_LEVELS = {
  emerg: 80,
  alert: 70,
  crit: 60,
  error: 50,
  warning: 40,
  notice: 35,
  info: 30,
  debug: 20,
} as const;

export type SyslogLevel = keyof typeof SYSLOG_LEVELS;

const PRIORITY: Readonly<Record<SyslogLevel, number>> = {
  emerg: 0,
  alert: 1,
  crit: 2,
  error: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
};

export type DaemonLogger = Logger<SyslogLevel, boolean>;

export const LOG_LEVEL_VARIABLE = 'NODE_RUNIT_DAEMON_LOG_LEVEL';

export interface LoggerOptions {
  /** Default: $NODE_RUNIT_DAEMON_LOG_LEVEL, else `notice`. */
  level?: SyslogLevel | 'silent';
  /** A pino transport (e.g. `{ target: 'pino-pretty' }`); default: JSON lines on stderr. */
  transport?: TransportSingleOptions;
  /** Where the lines go without a transport: a file descriptor (default 2). */
  fd?: number;
  env?: NodeJS.ProcessEnv;
}

function isLevel(text: string | undefined): text is SyslogLevel | 'silent' {
  return text !== undefined && (text === 'silent' || Object.hasOwn(SYSLOG_LEVELS, text));
}

/** A pino logger whose methods are syslog's levels, each record carrying `priority` (0..7). */
export function createDaemonLogger(options: LoggerOptions = {}): DaemonLogger {
  const fromEnv = (options.env ?? process.env)[LOG_LEVEL_VARIABLE];
  const level = options.level ?? (isLevel(fromEnv) ? fromEnv : 'notice');
  const settings = {
    level,
    customLevels: SYSLOG_LEVELS,
    useOnlyCustomLevels: true,
    base: { pid: process.pid },
    formatters: { level: (label: string) => ({ level: label, priority: PRIORITY[label as SyslogLevel] }) },
  };
  if (options.transport !== undefined) return pino({ ...settings, transport: options.transport });
  return pino(settings, pino.destination({ dest: options.fd ?? 2, sync: true }));
}
