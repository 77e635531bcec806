/**
 * The init's and runsvdir's own diagnostics as JSON lines, for log collectors: set
 * NODE_RUNIT_DIAGNOSTICS=json. Each of runit's lines (`runsvdir DIR: warning: TEXT`, `runsv
 * NAME: fatal: TEXT`, `runit: warning: TEXT`) becomes one pino record with the same content:
 * `program`, `name`, pino's `level`, `msg` (TEXT) and `line` (runit's text, whole). The default
 * stays runit's text, which people and scripts grep (DESIGN.md). pino is loaded only when asked.
 */
import { writeStderr } from './output.js';

export const DIAGNOSTICS_ENV = 'NODE_RUNIT_DIAGNOSTICS';

export interface Diagnostic {
  program: string;
  /** The directory or service the program names, when it names one. */
  name?: string;
  level: 'info' | 'warn' | 'fatal';
  /** The text after the level word. */
  text: string;
}

const LINE = /^(\S+?)(?: (.*?))?: (warning|fatal): ([\s\S]*)$/;

/** Splits one of runit's diagnostic lines (without its newline) into its parts. */
export function parseDiagnostic(line: string): Diagnostic {
  const match = LINE.exec(line);
  if (match === null) {
    const colon = line.indexOf(': ');
    // runit's stage messages start `- runit: `: the dash is decoration, not the program.
    const program = colon === -1 ? '' : line.slice(0, colon).replace(/^- /, '');
    return colon === -1 ? { program, level: 'info', text: line } : { program, level: 'info', text: line.slice(colon + 2) };
  }
  const [, program, name, level, text] = match as unknown as [string, string, string | undefined, string, string];
  const diagnostic: Diagnostic = { program, level: level === 'fatal' ? 'fatal' : 'warn', text };
  if (name !== undefined) diagnostic.name = name;
  return diagnostic;
}

/** Where finished diagnostic lines go: stderr as runit writes them, or pino's JSON on stderr. */
export async function openDiagnostics(env: NodeJS.ProcessEnv): Promise<(line: string) => void> {
  if (env[DIAGNOSTICS_ENV] !== 'json') return writeStderr;
  const { default: pino } = await import('pino');
  // Synchronous, like runit's own writes: a line is out before the process can die of what it says.
  const logger = pino({ level: 'info' }, pino.destination({ dest: 2, sync: true }));
  return (text: string) => {
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const { level, ...fields } = parseDiagnostic(line);
      logger[level]({ program: fields.program, ...(fields.name === undefined ? {} : { name: fields.name }), line }, fields.text);
    }
  };
}
