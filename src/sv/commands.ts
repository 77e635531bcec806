/**
 * sv's command words (SV-3): only the first character matters except for the full words listed
 * there; in LSB mode (SV-16) only four `s…` words are accepted.
 */

export interface Command {
  /** 'control' sends acts; 'status' prints; 'none' only waits (check). */
  act: 'control' | 'status' | 'none';
  /** The control bytes (or the condition letters, `C` for check). */
  acts: string;
  /** Waits and reports even without -v. */
  waits: boolean;
  /** On timeout: label `kill:` and send `k`. */
  kill: boolean;
}

const SINGLE_LETTERS = 'udophaikq12';

/** The command a word means, or undefined for a usage error. `verbose` is -v/-w. */
export function parseCommand(word: string, verbose: boolean, lsb: boolean): Command | undefined {
  const full = (acts: string, kill = false): Command => ({ act: 'control', acts, waits: true, kill });
  const first = word[0] ?? '';
  switch (first) {
    case 'x':
    case 'e':
      return { act: 'control', acts: 'x', waits: verbose, kill: false };
    case 'X':
    case 'E':
      return full('x', true);
    case 'D':
      return full('d', true);
    case 'T':
      return full('tc', true);
    case 's':
      if (word === 'shutdown') return full('x');
      if (word === 'start') return full('u');
      if (word === 'stop') return full('d');
      if (lsb && word !== 'status') return undefined;
      // acts stays "s", so a dead runsv is a fail: line, not ok: (SV-5).
      return { act: 'status', acts: 's', waits: false, kill: false };
    case 'r':
      if (word === 'restart') return full('tcu');
      if (word === 'reload') return full('h');
      return undefined;
    case 'f':
      if (word === 'force-reload') return full('tc', true);
      if (word === 'force-restart') return full('tcu', true);
      if (word === 'force-shutdown') return full('x', true);
      if (word === 'force-stop') return full('d', true);
      return undefined;
    case 't':
      if (word === 'try-restart') return full('tc');
      return { act: 'control', acts: 't', waits: verbose, kill: false };
    case 'c':
      if (word === 'check') return { act: 'none', acts: 'C', waits: true, kill: false };
      return { act: 'control', acts: 'c', waits: verbose, kill: false };
    default:
      if (first !== '' && SINGLE_LETTERS.includes(first)) {
        return { act: 'control', acts: first, waits: verbose, kill: false };
      }
      return undefined;
  }
}
