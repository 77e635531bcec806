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
