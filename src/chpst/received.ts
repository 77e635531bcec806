/**
 * What chpst received, as the bytes the caller passed: environment and PATH (the arguments:
 * sys/received.ts). Node decodes the environment as UTF-8, which mangles anything else;
 * /proc/self has the originals. Strings are byte strings (latin1), see options.ts.
 */
import { byteString, readProcList, type ProcListReader } from '../sys/received.js';
import { envValue } from './apply.js';

/** The environment exactly as this process received it (order, duplicates, raw bytes). */
export function startingEnviron(env: NodeJS.ProcessEnv, readList: ProcListReader = readProcList): string[] {
  const fromNode = (): string[] => Object.entries(env).map(([name, value]) => byteString(`${name}=${value ?? ''}`));
  return readList('environ') ?? fromNode();
}

/**
 * PATH's bytes, as getenv would give them: Node's view, unless decoding it as UTF-8 lost
 * something; then the first PATH entry of the environment as received.
 */
export function startingPath(
  env: NodeJS.ProcessEnv,
  environ: readonly string[] | undefined,
  readList: ProcListReader = readProcList,
): string | undefined {
  const path = env['PATH'];
  if (path === undefined) return undefined;
  if (!path.includes('\ufffd')) return byteString(path);
  return envValue(environ ?? startingEnviron(env, readList), 'PATH');
}
