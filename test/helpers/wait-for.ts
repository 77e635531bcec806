import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  timeout?: number;
  interval?: number;
}

/**
 * Polls `probe` until it returns a value other than undefined/false, or fails after the deadline
 * with `what` in the message, so a failing test says what never happened.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeout ?? 10_000);
  const interval = options.interval ?? 10;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`, { cause: lastError });
    }
    await sleep(interval);
  }
}
