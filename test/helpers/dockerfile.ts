/**
 * Builds and runs a Dockerfile without a Docker engine (none runs here or in CI), so the test
 * of the image runs the file's own instructions, not a second copy of them. The mapping, as
 * docker/README.md documents it:
 *
 * - The image's root filesystem is an overlay: the base image is the host's root, read-only
 *   (Debian, as node:*-bookworm-slim is), with the Node running the tests bind-mounted at
 *   /usr/local/bin/node, where the official node images have theirs; every later layer is one
 *   upper directory. Each COPY destination directory is shown from the upper layer alone, as
 *   the base image has nothing there (the host's /etc/runit, /etc/service or /tmp would leak in).
 * - COPY copies from the build context with its .dockerignore applied (Dockerfile.dockerignore
 *   beside the Dockerfile, else .dockerignore at the context root). The context may be several
 *   directories, searched in order, the first with a match supplying a source: the tests put
 *   the `npm pack` output dir before the repository, rather than write into the checkout.
 * - RUN runs `/bin/sh -c LINE` chrooted into the overlay, in its own mount namespace, with the
 *   image's ENV and WORKDIR, and the host's network (as `docker build` has).
 * - ENTRYPOINT runs chrooted into the same overlay as PID 1 of a new PID namespace
 *   (`unshare --pid --fork --mount-proc`), with its own /proc and network namespace.
 *
 * Only what a single-stage Dockerfile of this kind uses is understood; anything else throws, so
 * a Dockerfile the simulation cannot honour fails its test instead of passing untried.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

export interface Instruction {
  keyword: string;
  /** The text after the keyword, continuation lines joined. */
  text: string;
}

export interface Image {
  base: string;
  env: Record<string, string>;
  workdir: string;
  entrypoint: string[];
  stopSignal: NodeJS.Signals;
  exposed: string[];
  /** Absolute directories COPY filled, shown from the upper layer alone. */
  copied: string[];
}

/** Docker's defaults for a node image: its PATH, and HOME for root. */
const BASE_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root' };

/** The instructions of a Dockerfile: comments dropped, `\` continuations joined. */
export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (pending === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const whole = (pending + line).trim();
    pending = '';
    const space = whole.search(/\s/);
    instructions.push({ keyword: whole.slice(0, space).toUpperCase(), text: whole.slice(space).trim() });
  }
  return instructions;
}

/** An exec-form JSON array, or a shell-form line run by `/bin/sh -c`. */
function commandOf(text: string): string[] {
  return text.startsWith('[') ? (JSON.parse(text) as string[]) : ['/bin/sh', '-c', text];
}

/** .dockerignore's rule: the last pattern matching the path or one of its parents decides. */
export function isIgnored(path: string, patterns: readonly string[]): boolean {
  let ignored = false;
  const parts = path.split('/');
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = posix.normalize(negated ? raw.slice(1) : raw).replace(/^\/|\/$/g, '');
    const regex = new RegExp(
      `^${pattern
        .split('')
        .map((c, i, all) => (c === '*' ? (all[i + 1] === '*' ? '.' : '[^/]*') : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('')}$`,
    );
    for (let depth = 1; depth <= parts.length; depth++) {
      if (regex.test(parts.slice(0, depth).join('/'))) {
        ignored = !negated;
        break;
      }
    }
  }
  return ignored;
}

function ignorePatterns(dockerfile: string, contexts: readonly string[]): string[] {
  for (const file of [`${dockerfile}.dockerignore`, ...contexts.map((dir) => join(dir, '.dockerignore'))]) {
    if (!existsSync(file)) continue;
    return readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
  }
  return [];
}

/** The context's files matching one COPY source (a path, or a glob in its last part). */
function copySources(source: string, contexts: readonly string[], ignore: readonly string[]): { from: string; name: string }[] {
  const clean = posix.normalize(source).replace(/^\.?\/|\/$/g, '');
  const dir = posix.dirname(clean);
  const last = posix.basename(clean);
  const glob = new RegExp(`^${last.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  for (const context of contexts) {
    const inDir = join(context, dir);
    if (!existsSync(inDir)) continue;
    const found = readdirSync(inDir)
      .filter((name) => glob.test(name) && !isIgnored(dir === '.' ? name : `${dir}/${name}`, ignore))
      .map((name) => ({ from: join(inDir, name), name }));
    if (found.length > 0) return found;
  }
  return [];
}

/** Copies a directory's files unless .dockerignore excludes them (relative to the context). */
function copyTree(from: string, to: string, relative: string, ignore: readonly string[]): void {
  if (!statSync(from).isDirectory()) {
    mkdirSync(dirname(to), { recursive: true });
    cpSync(from, to);
    return;
  }
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (!isIgnored(`${relative}/${name}`, ignore)) copyTree(join(from, name), join(to, name), `${relative}/${name}`, ignore);
  }
}

export class DockerfileBuild {
  readonly upper: string;
  readonly image: Image = { base: '', env: { ...BASE_ENV }, workdir: '/', entrypoint: [], stopSignal: 'SIGTERM', exposed: [], copied: [] };
  private readonly work: string;
  private readonly merged: string;
  private readonly node: string;

  /** `root`: an empty directory for the layers; `node`: the Node binary the image runs. */
  constructor(root: string, node: string) {
    this.node = node;
    this.upper = join(root, 'upper');
    this.work = join(root, 'work');
    this.merged = join(root, 'merged');
    for (const dir of [this.upper, this.work, this.merged]) mkdirSync(dir, { recursive: true });
  }

  /** The upper layer's path for an absolute path in the image. */
  pathOf(imagePath: string): string {
    return join(this.upper, imagePath);
  }

  /** Performs every instruction; throws on one it cannot honour, or a RUN that fails. */
  build(dockerfile: string, contexts: readonly string[]): Image {
    const ignore = ignorePatterns(dockerfile, contexts);
    for (const { keyword, text } of parseDockerfile(readFileSync(dockerfile, 'utf8'))) {
      switch (keyword) {
        case 'FROM':
          if (this.image.base !== '') throw new Error(`only single-stage Dockerfiles are simulated: FROM ${text}`);
          this.image.base = text;
          // Where the official node images have their node, bind-mounted over this placeholder.
          mkdirSync(this.pathOf('/usr/local/bin'), { recursive: true });
          writeFileSync(this.pathOf('/usr/local/bin/node'), '');
          break;
        case 'WORKDIR':
          this.image.workdir = posix.resolve(this.image.workdir, text);
          mkdirSync(this.pathOf(this.image.workdir), { recursive: true });
          break;
        case 'ENV':
          for (const [, name, value] of text.matchAll(/(\w+)=("[^"]*"|\S*)/g)) this.image.env[name!] = value!.replace(/^"|"$/g, '');
          break;
        case 'COPY':
          this.copy(text, contexts, ignore);
          break;
        case 'RUN': {
          const result = this.exec(commandOf(text), { stdio: 'pipe' });
          if (result.status !== 0) throw new Error(`RUN ${text}: exit ${result.status}\n${result.stdout}${result.stderr}`);
          break;
        }
        case 'EXPOSE':
          this.image.exposed.push(...text.split(/\s+/));
          break;
        case 'STOPSIGNAL':
          this.image.stopSignal = text as NodeJS.Signals;
          break;
        case 'ENTRYPOINT':
          if (!text.startsWith('[')) throw new Error('ENTRYPOINT must be in exec form (its process is PID 1)');
          this.image.entrypoint = commandOf(text);
          break;
        default:
          throw new Error(`${keyword}: not simulated`);
      }
    }
    return this.image;
  }

  private copy(text: string, contexts: readonly string[], ignore: readonly string[]): void {
    const words = text.split(/\s+/);
    if (words.some((word) => word.startsWith('--'))) throw new Error(`COPY ${text}: flags are not simulated`);
    const destination = posix.resolve(this.image.workdir, words.at(-1)!);
    const intoDir = words.at(-1)!.endsWith('/');
    for (const source of words.slice(0, -1)) {
      const found = copySources(source, contexts, ignore);
      if (found.length === 0) throw new Error(`COPY ${source}: no source files in the context`);
      for (const { from, name } of found) {
        const relative = posix.normalize(source).replace(/^\.?\/|\/$/g, '').replace(/[^/]*$/, name);
        const isDir = statSync(from).isDirectory();
        if (!isDir && !intoDir && found.length > 1) throw new Error(`COPY ${text}: several sources need a directory destination`);
        copyTree(from, this.pathOf(isDir || !intoDir ? destination : posix.join(destination, name)), relative, ignore);
      }
      const dir = intoDir || found.some(({ from }) => statSync(from).isDirectory()) ? destination : posix.dirname(destination);
      if (!this.image.copied.includes(dir)) this.image.copied.push(dir);
    }
  }

  /** The shell that mounts the image's root at `merged` and runs "$@" chrooted in it. */
  private mountScript(withProc: boolean): string {
    const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    const m = this.merged;
    return [
      'set -e',
      `mount -t overlay overlay -o lowerdir=/,upperdir=${quote(this.upper)},workdir=${quote(this.work)} ${quote(m)}`,
      `mount --bind ${quote(this.node)} ${quote(`${m}/usr/local/bin/node`)}`,
      ...this.image.copied.map((dir) => `mount --bind ${quote(this.pathOf(dir))} ${quote(m + dir)}`),
      `mount --rbind /dev ${quote(`${m}/dev`)}`,
      withProc ? `mount -t proc proc ${quote(`${m}/proc`)}` : `mount --rbind /proc ${quote(`${m}/proc`)}`,
      // A container's loopback is up (ip may be missing: then the services bind a down lo).
      ...(withProc ? ['ip link set lo up 2>/dev/null || true'] : []),
      `cd ${quote(m)}`,
      // env -i: the image's environment only, as a container gets.
      `exec chroot ${quote(m)} /usr/bin/env -i ${Object.entries(this.image.env)
        .map(([name, value]) => quote(`${name}=${value}`))
        .join(' ')} /bin/sh -c 'cd "$0" && exec "$@"' ${quote(this.image.workdir)} "$@"`,
    ].join('\n');
  }

  /** Runs `command` in the image as RUN does (own mount namespace, the host's network). */
  exec(command: readonly string[], options: { stdio: 'pipe' }): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync('unshare', ['--mount', '--propagation', 'private', '/bin/sh', '-c', this.mountScript(false), 'sh', ...command], {
      encoding: 'utf8',
      stdio: options.stdio,
      timeout: 300_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /**
   * Starts the ENTRYPOINT as PID 1 of new PID, mount and network namespaces. The returned child
   * is unshare; the container's PID 1 is its child.
   */
  start(): ChildProcess {
    return spawn(
      'unshare',
      ['--pid', '--fork', '--mount-proc', '--net', '--propagation', 'private', '/bin/sh', '-c', `${this.mountScript(true)}`, 'sh', ...this.image.entrypoint],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
  }

  /** Runs `command` inside the running container (`docker exec`): its mount namespace, chrooted. */
  execIn(pid: number, command: readonly string[]): { status: number | null; stdout: string; stderr: string } {
    const env = Object.entries(this.image.env).map(([name, value]) => `${name}=${value}`);
    // --root and --wd: the container's root (the overlay it chrooted into) and working directory.
    const result = spawnSync('nsenter', ['--target', String(pid), '--mount', '--net', '--root', '--wd', '/usr/bin/env', '-i', ...env, ...command], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }
}
