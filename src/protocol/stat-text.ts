/** The human-readable `supervise/stat` and `supervise/pid` texts (RSV-10, RSV-11). */
import type { RunState } from './status.js';

const STATE_WORD = ['down', 'run', 'finish'] as const;

export function formatStat(state: RunState, isPaused: boolean, gotTerm: boolean, want: 'up' | 'down' | 'exit'): string {
  let text: string = STATE_WORD[state];
  if (isPaused) text += ', paused';
  if (gotTerm) text += ', got TERM';
  if (state !== 0) {
    if (want === 'down') text += ', want down';
    else if (want === 'exit') text += ', want exit';
  }
  return `${text}\n`;
}

/** `9525\n` while a child runs; an empty file when there is none. */
export function formatPid(pid: number): string {
  return pid === 0 ? '' : `${pid}\n`;
}
