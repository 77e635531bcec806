import { RunitError } from '../errors.js';

/**
 * A start-up failure (code ERR_SUPERVISOR_START), with runit's message after
 * `runsv NAME: fatal: ` (RSV-32); runsv's cli exits 111 on it.
 */
export class SupervisorStartError extends RunitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_SUPERVISOR_START', message, options);
  }
}
