/** Names and modes of the files runit keeps in a service directory (RSV-2, RSV-4). */
export const SUPERVISE_DIR = 'supervise';
export const LOG_DIR = 'log';

export const SUPERVISE = {
  lock: 'lock',
  control: 'control',
  ok: 'ok',
  status: 'status',
  stat: 'stat',
  pid: 'pid',
} as const;

export const MODE = {
  superviseDir: 0o700,
  fifo: 0o600,
  lock: 0o600,
  stateFile: 0o644,
} as const;

export const DOWN_FILE = 'down';
export const RUN_FILE = 'run';
export const FINISH_FILE = 'finish';
export const CHECK_FILE = 'check';
export const CONTROL_HOOK_DIR = 'control';
