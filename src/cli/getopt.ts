/**
 * runit's own getopt (GEN-4): options only before the first operand; a lone `-` is an operand;
 * `--`, and any word starting with it (`--foo`: real `chpst --foo true` runs `true`), is
 * consumed and ends options; flags cluster (`-012`); an option's argument is the rest of
 * the word if non-empty, else the next word.
 */
export interface ParsedOption {
  letter: string;
  value: string | undefined;
}

export type GetoptError = { kind: 'illegal' | 'missing'; letter: string };

export interface GetoptResult {
  options: ParsedOption[];
  operands: string[];
  error: GetoptError | undefined;
}

/** `spec` lists the letters; a letter followed by `:` takes an argument (e.g. `vw:`). */
export function getopt(args: readonly string[], spec: string): GetoptResult {
  const options: ParsedOption[] = [];
  let index = 0;
  while (index < args.length) {
    const word = args[index]!;
    if (word.startsWith('--')) {
      index++;
      break;
    }
    if (!word.startsWith('-') || word === '-') break;
    index++;
    for (let at = 1; at < word.length; at++) {
      const letter = word[at]!;
      const position = spec.indexOf(letter);
      if (letter === ':' || position === -1) {
        return { options, operands: [], error: { kind: 'illegal', letter } };
      }
      if (spec[position + 1] !== ':') {
        options.push({ letter, value: undefined });
        continue;
      }
      if (at + 1 < word.length) {
        options.push({ letter, value: word.slice(at + 1) });
      } else if (index < args.length) {
        options.push({ letter, value: args[index++]! });
      } else {
        return { options, operands: [], error: { kind: 'missing', letter } };
      }
      break;
    }
  }
  return { options, operands: args.slice(index), error: undefined };
}

/** The line getopt prints for an error, before the usage text (GEN-4). */
export function getoptErrorLine(program: string, error: GetoptError): string {
  return error.kind === 'illegal'
    ? `${program}: illegal option -- ${error.letter}\n`
    : `${program}: option requires an argument -- ${error.letter}\n`;
}
