/**
 * runit's service directory as every program sees it (RSV-2..RSV-13, SV-5..SV-8): each file
 * name, mode and status byte offset is spelled here once. Pure data: opening, reading and
 * writing are done by the code that owns each side (runsv/supervise-files.ts writes,
 * client/supervise-dir.ts reads).
 */

/** The directory runsv keeps its state in, inside the service (and the log service) directory. */
export const SUPERVISE = 'supervise';

/** The log service's directory inside a service directory (RSV-3 step 4). */
export const LOG = 'log';

/** The files of `supervise/`, as paths relative to the service directory. */
export const SUPERVISE_FILE = {
  /** flock(2)ed by the one runsv that owns the directory (RSV-4). */
  lock: `${SUPERVISE}/lock`,
  /** FIFO of control bytes (RSV-24). */
  control: `${SUPERVISE}/control`,
  /** FIFO held open for reading while runsv runs: "is a supervisor there" (RSV-5). */
  ok: `${SUPERVISE}/ok`,
  /** The 20-byte record (RSV-9). */
  status: `${SUPERVISE}/status`,
  /** Human-readable state (RSV-10). */
  stat: `${SUPERVISE}/stat`,
  /** The child's pid as text (RSV-11). */
  pid: `${SUPERVISE}/pid`,
  /**
   * Ours, not runit's: the run statistics (restarts, last exit, crash loop) as one line of JSON
   * (protocol/run-stats.ts, docs/node-runit.md). Real `sv` and runsv never look at it.
   */
  stats: `${SUPERVISE}/stats`,
  /**
   * Our extension (docs/extensions.md): present only while the current instance of ./run is
   * ready, holding the TAI64N stamp (`@4000…` text) of the moment it became ready.
   */
  ready: `${SUPERVISE}/ready`,
  /**
   * Our extension: present only while a restart is held back by `restart-backoff`, one line
   * `@TAI64N-of-the-restart DELAY-MS CRASHES`.
   */
  backoff: `${SUPERVISE}/backoff`,
  /**
   * Our extension: what a `notify-socket` service said about itself, in sd_notify's own form
   * (`STATUS=…` and `MAINPID=…` lines); present only while that instance runs.
   */
  notes: `${SUPERVISE}/notes`,
  /** Our extension: the `notify-socket` datagram socket (when its path fits a sockaddr_un). */
  notify: `${SUPERVISE}/notify`,
  /**
   * Our extension: the descriptors the supervisor holds for the service (`listen` sockets and the
   * `fdstore-max` store), one line of JSON (protocol/held-fds.ts); present while it holds any.
   */
  fds: `${SUPERVISE}/fds`,
} as const;

export type SuperviseFileName = keyof typeof SUPERVISE_FILE;

/** The status files are written to `NAME.new` and renamed over NAME (RSV-13). */
export const NEW_SUFFIX = '.new';

/** The files a service directory may hold that runit's programs look at. */
export const SERVICE_FILE = {
  run: 'run',
  finish: 'finish',
  /** Present: the service is normally down (RSV-3 step 2, SV-6). */
  down: 'down',
  /** `control/<c>` hooks (RSV-28). */
  controlHooks: 'control',
  /** sv's `check` script (SV-13). */
  check: 'check',
  /** Ours, in `log/`: run this log service as a process even where it could run in process. */
  noInlineLog: 'no-inline',
} as const;

/**
 * Our extensions' files in a service directory (docs/extensions.md); absent, the service
 * behaves exactly as under runit. Names are s6's where s6 has the file.
 */
export const EXTENSION_FILE = {
  /** s6: fd number N >= 3; ./run is ready when it writes a newline to fd N. */
  notificationFd: 'notification-fd',
  /** systemd's sd_notify protocol: ./run gets NOTIFY_SOCKET. */
  notifySocket: 'notify-socket',
  /** systemd's WatchdogSec, in ms, with notify-socket: no `WATCHDOG=1` that long → SIGABRT. */
  watchdog: 'watchdog',
  /** s6: ms after the stop signal before SIGKILL. */
  timeoutKill: 'timeout-kill',
  /** s6: ms after which a running ./finish is killed. */
  timeoutFinish: 'timeout-finish',
  /** s6: the signal `d` and `x` send instead of SIGTERM. */
  downSignal: 'down-signal',
  /** `FIRST MAX` ms: exponential restart delay instead of runit's one second. */
  restartBackoff: 'restart-backoff',
  /** s6-rc: one entry per sibling service that must be ready first. */
  dependencies: 'dependencies.d',
  /** Sockets the supervisor binds and holds across restarts, passed as LISTEN_FDS (listen-spec.ts). */
  listen: 'listen',
  /** systemd's FileDescriptorStoreMax: descriptors a service may park with `FDSTORE=1`. */
  fdstoreMax: 'fdstore-max',
} as const;

/** Modes runsv creates its files with (RSV-3, RSV-13). */
export const MODE = {
  superviseDir: 0o700,
  lock: 0o600,
  fifo: 0o600,
  statusFile: 0o644,
} as const;

/** The record's size and byte offsets (RSV-9); bytes 0-17 are daemontools' layout. */
export const STATUS_SIZE = 20;
export const STATUS_OFFSET = {
  /** TAI64N: 8-byte label, then 4-byte nanoseconds, big-endian. */
  since: 0,
  nanoseconds: 8,
  /** Little-endian, 0 when no child. */
  pid: 12,
  paused: 16,
  want: 17,
  gotTerm: 18,
  state: 19,
} as const;

/** Byte 17: `u` while want is up; `d` for want down and for want exit. */
export const WANT_UP = 0x75;
export const WANT_DOWN = 0x64;

/** Byte 19. */
export type RunState = 0 | 1 | 2;
export const STATE_DOWN: RunState = 0;
export const STATE_RUN: RunState = 1;
export const STATE_FINISH: RunState = 2;
