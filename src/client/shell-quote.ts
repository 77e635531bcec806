/**
 * Quoting for the `/bin/sh` scripts the ServiceBuilder writes. Every word goes through here, so
 * spaces, quotes, `$`, backquotes, globs and newlines reach the program exactly as given.
 */

// Words made only of these need no quotes (kept bare so generated scripts stay readable).
const BARE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One shell word that the shell turns back into exactly `word`. Inside single quotes nothing is
 * special except the closing quote, so a `'` is written as `'\''` (close, escaped quote, reopen).
 */
export function quoteShellWord(word: string): string {
  if (word.length > 0 && BARE.test(word)) return word;
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/** A command line: each word quoted, separated by single spaces. */
export function quoteShellCommand(words: readonly string[]): string {
  return words.map(quoteShellWord).join(' ');
}
