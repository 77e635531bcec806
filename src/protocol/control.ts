/** Control bytes understood by runsv (RSV-24); any other byte is ignored. */
export const CONTROL = {
  up: 'u',
  down: 'd',
  once: 'o',
  exit: 'x',
  term: 't',
  kill: 'k',
  pause: 'p',
  cont: 'c',
  hup: 'h',
  alarm: 'a',
  interrupt: 'i',
  quit: 'q',
  usr1: '1',
  usr2: '2',
} as const;

export type ControlName = keyof typeof CONTROL;
export type ControlByte = (typeof CONTROL)[ControlName];

const SIGNAL_OF_BYTE: Readonly<Record<string, NodeJS.Signals>> = {
  h: 'SIGHUP',
  a: 'SIGALRM',
  i: 'SIGINT',
  q: 'SIGQUIT',
  '1': 'SIGUSR1',
  '2': 'SIGUSR2',
};

/** The signal a plain "signal X if running" byte sends (RSV-24), if it is one of those. */
export function signalForControl(byte: string): NodeJS.Signals | undefined {
  return SIGNAL_OF_BYTE[byte];
}
