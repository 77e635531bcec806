/**
 * `--help` and `--version`, ours: runit's programs answer neither, and a user of an npm package
 * expects both. Only as the first word, and only these two: runit's getopt takes any other
 * `--word` as the end of options (GEN-4), and runsv/runsvdir take their first word as is, so
 * every runit command line but these two keeps its meaning.
 *
 * chpst and sv are benchmarked on start-up: this module costs them one comparison; the package
 * version is read only when asked for.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeStdout } from './output.js';

export interface ProgramHelp {
  /** The name the program calls itself (usage lines name the same). */
  name: string;
  /** The usage line's tail, our options included, e.g. `[-P] [--in-process] dir [log]`. */
  synopsis: string;
  /** One line per option or behaviour of ours that runit's usage line does not tell. */
  notes?: readonly string[];
  /** Its page under docs/ (packed with the package), if not `<name>.md`. */
  doc?: string;
}

/** Answers `--help` or `--version` as `args[0]` on stdout and exits 0; otherwise returns. */
export function answerHelpOrVersion(args: readonly string[], help: () => ProgramHelp): void {
  const first = args[0];
  if (first !== '--help' && first !== '--version') return;
  const version = packageVersion();
  if (first === '--version') {
    writeStdout(`${help().name} (node-runit) ${version}\n`);
  } else {
    const { name, synopsis, notes = [], doc = `${name}.md` } = help();
    const lines = [`usage: ${name} ${synopsis}`, '', ...notes.map((note) => `  ${note}`)];
    if (notes.length > 0) lines.push('');
    lines.push(`node-runit ${version}, runit 2.1.2 on Node.js: see docs/${doc} in the package.`);
    writeStdout(`${lines.join('\n')}\n`);
  }
  process.exit(0);
}

/**
 * The version in the package's own package.json, the nearest one above this file that names
 * node-runit: dist/src/cli/ in the package, dist/bundle/ for chpst's and sv's bundles.
 */
export function packageVersion(): string {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'node-runit' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // No package.json here, or not ours (bin/package.json only sets the module type): go up.
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}
