/**
 * `node svlogd-verify.js LOGDIR INPUT STAMPED [KEPT]`: the svlogd scenario's byte check, in a
 * process of its own, so the bench's heap never holds the 100+ MB it compares (a big parent
 * makes every fork, and so every timed spawn, slower). Exit 0, or 1 with the reason on stderr.
 */
import { readFileSync } from 'node:fs';
import { verifyLog } from './svlogd-data.js';

const [logDir, input, stamped, kept] = process.argv.slice(2);
try {
  verifyLog(logDir!, readFileSync(input!), stamped === 'stamped', kept === undefined ? undefined : Number(kept));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
