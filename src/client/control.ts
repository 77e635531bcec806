/**
 * Sending control bytes with retries: right after a supervisor starts, `supervise/control` may
 * not exist yet (ENOENT) or have no reader yet (ENXIO), and a full FIFO refuses a non-blocking
 * write (EAGAIN). Those are retried with exponential backoff; anything else fails at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCode, RunitError } from '../errors.js';
import { SUPERVISE_FILE } from '../protocol/layout.js';
import { SuperviseDir } from './supervise-dir.js';

export interface RetryOptions {
  /** Total attempts, including the first (default 5). */
  attempts?: number;
  /** First delay in ms, doubled each time (default 10). */
  minDelay?: number;
  /** Cap of the delay in ms (default 1000). */
  maxDelay?: number;
}

const RETRIABLE = new Set(['ENXIO', 'ENOENT', 'EAGAIN']);

/** Writes `bytes` to `dir`'s control FIFO; throws RunitError with a stable code. */
export async function sendControl(
  dir: string,
  bytes: string,
  retry: RetryOptions = {},
  signal?: AbortSignal,
): Promise<void> {
  const attempts = Math.max(1, retry.attempts ?? 5);
  let delay = Math.max(0, retry.minDelay ?? 10);
  const maxDelay = Math.max(delay, retry.maxDelay ?? 1000);
  const supervise = new SuperviseDir(dir);
  for (let attempt = 1; ; attempt++) {
    let error: unknown;
    try {
      const written = supervise.writeControl(bytes);
      if (written === Buffer.byteLength(bytes)) return;
      error = Object.assign(new Error(`short write to ${SUPERVISE_FILE.control}`), { code: 'EAGAIN' });
    } catch (caught) {
      error = caught;
    }
    const code = errorCode(error);
    if (!supervise.exists()) {
      throw new RunitError('ERR_NOT_SUPERVISED', `${dir}: no supervise directory`, { cause: error });
    }
    if (code === undefined || !RETRIABLE.has(code) || attempt >= attempts || signal?.aborted) {
      throw controlError(dir, code, error);
    }
    await sleep(delay, undefined, signal === undefined ? {} : { signal }).catch(() => undefined);
    delay = Math.min(maxDelay, delay * 2);
  }
}

function controlError(dir: string, code: string | undefined, cause: unknown): RunitError {
  if (code === 'ENXIO') return new RunitError('ERR_RUNSV_NOT_RUNNING', `${dir}: no supervisor is running`, { cause });
  if (code === 'ENOENT' || code === 'EAGAIN') {
    return new RunitError('ERR_CONTROL_NOT_READY', `${dir}: ${SUPERVISE_FILE.control} is not accepting commands`, { cause });
  }
  const text = cause instanceof Error ? cause.message : String(cause);
  return new RunitError('ERR_SYS', `${dir}: ${SUPERVISE_FILE.control}: ${text}`, { cause });
}
