/**
 * The one door to libc. Each wrapper throws SysError (code = errno name) on failure, so callers
 * print runit's wording with `errorText()` and tests match `code`.
 */
import { SysError } from '../errors.js';
import { check } from './check.js';
import { AF_INET, AF_UNIX, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_NONBLOCK } from './socket-numbers.js';
import { c, chpstC, decodeGroup, decodePasswd, inet, lastErrno, lastSteps, resetErrno, unix } from './libc.js';

export const LOCK_EX = 2;
export const LOCK_NB = 4;

export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;

const F_GETFD = 1;
const F_SETFD = 2;
const F_GETFL = 3;
const F_SETFL = 4;
const FD_CLOEXEC = 1;

const PR_SET_NAME = 15;
const PR_SET_CHILD_SUBREAPER = 36;

export const WNOHANG = 1;

/** Linux resource numbers, in chpst's order of application (CHP-3 step 9). */
export const RLIMIT = {
  CPU: 0,
  FSIZE: 1,
  DATA: 2,
  STACK: 3,
  CORE: 4,
  RSS: 5,
  NPROC: 6,
  NOFILE: 7,
  MEMLOCK: 8,
  AS: 9,
} as const;


/** mkfifo(2); EEXIST is the caller's to ignore (GEN-6). */
export function mkfifo(path: string, mode: number): void {
  check(c.mkfifo(path, mode) as number, 'mkfifo', path);
}

/** flock(2). With LOCK_NB a held lock throws SysError code EAGAIN ("temporary failure"). */
export function flock(fd: number, operation: number): void {
  check(c.flock(fd, operation) as number, 'flock');
}

/** A blocking flock(2) run on koffi's worker thread, so the event loop keeps turning. */
export function flockWait(fd: number, operation: number): Promise<void> {
  return new Promise((resolve, reject) => {
    c.flock.async(fd, operation & ~LOCK_NB, (err: unknown, result: number) => {
      if (err) reject(err);
      else if (result === -1) reject(new SysError('flock', lastErrno()));
      else resolve();
    });
  });
}

/** pipe2(2): [readEnd, writeEnd]. */
export function pipe2(flags: number): [number, number] {
  const fds = [0, 0];
  check(c.pipe2(fds, flags) as number, 'pipe2');
  return [fds[0] as number, fds[1] as number];
}

export function setCloseOnExec(fd: number, on: boolean): void {
  const flags = check(c.fcntl(fd, F_GETFD, 'int', 0) as number, 'fcntl');
  const next = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
  if (next !== flags) check(c.fcntl(fd, F_SETFD, 'int', next) as number, 'fcntl');
}

export function close(fd: number): void {
  check(c.close(fd) as number, 'close');
}

export function dup2(oldFd: number, newFd: number): void {
  check(c.dup2(oldFd, newFd) as number, 'dup2');
}

export function setsid(): number {
  return check(c.setsid() as number, 'setsid');
}

export function setpgid(pid: number, pgid: number): void {
  check(c.setpgid(pid, pgid) as number, 'setpgid');
}

/**
 * The raw set*id system calls, for this thread only, where the architecture's numbers are known.
 * glibc's wrappers change every thread of the process: they signal each of Node's threads and
 * wait for it to answer, three times over, which made `chpst -u` several ms slower than chpst
 * without -u. A process about to execve needs only the calling thread changed: execve keeps that
 * thread and its credentials and ends the others. So these are for chpst's last steps alone,
 * with nothing run on another thread (no async fs) between them and the exec.
 */
const SETID_SYSCALLS: Readonly<Partial<Record<string, { setgroups: number; setgid: number; setuid: number }>>> = {
  x64: { setgroups: 116, setgid: 106, setuid: 105 },
  arm64: { setgroups: 159, setgid: 144, setuid: 146 },
};
const setIdSyscalls = process.platform === 'linux' ? SETID_SYSCALLS[process.arch] : undefined;

export function setgroupsForExec(gids: readonly number[]): void {
  const list = gids.length === 0 ? null : [...gids];
  const result = setIdSyscalls === undefined
    ? (c.setgroups(gids.length, list) as number)
    : Number(c.syscall(setIdSyscalls.setgroups, 'size_t', gids.length, 'uint32_t *', list));
  check(result, 'setgroups');
}

export function setgidForExec(gid: number): void {
  const result = setIdSyscalls === undefined ? (c.setgid(gid) as number) : Number(c.syscall(setIdSyscalls.setgid, 'uint32_t', gid));
  check(result, 'setgid');
}

export function setuidForExec(uid: number): void {
  const result = setIdSyscalls === undefined ? (c.setuid(uid) as number) : Number(c.syscall(setIdSyscalls.setuid, 'uint32_t', uid));
  check(result, 'setuid');
}

export function chroot(path: string): void {
  check(c.chroot(path) as number, 'chroot', path);
}

/** nice(3) may legitimately return -1, so errno decides (as chpst does). */
export function nice(increment: number): number {
  resetErrno();
  const result = c.nice(increment) as number;
  if (result === -1 && lastErrno() !== 0) throw new SysError('nice', lastErrno());
  return result;
}

export interface WaitResult {
  pid: number;
  status: number;
}

/** waitpid(2); with WNOHANG, pid 0 means nothing to reap. */
export function waitpid(pid: number, options: number): WaitResult {
  const status = [0];
  const reaped = check(c.waitpid(pid, status, options) as number, 'waitpid');
  return { pid: reaped, status: status[0] as number };
}

export function setChildSubreaper(): void {
  check(c.prctl(PR_SET_CHILD_SUBREAPER, 'unsigned long', 1) as number, 'prctl');
}

/**
 * prctl(PR_SET_NAME): the name in /proc/PID/comm (the kernel keeps 15 bytes), which `pidof`,
 * `pgrep -x` and `ps -C` match.
 */
export function setProcessName(name: string): void {
  check(c.prctl(PR_SET_NAME, 'const char *', name) as number, 'prctl');
}

export interface PasswdEntry {
  uid: number;
  gid: number;
  home: string;
}

/**
 * getpwnam(3); undefined when the user does not exist (ENOENT and ESRCH are glibc's ways of
 * saying so too), SysError on a lookup failure.
 */
export function getpwnam(name: string): PasswdEntry | undefined {
  const { entry, errno } = getpwnamErrno(name);
  if (entry === undefined && errno !== 0 && errno !== 2 && errno !== 3) throw new SysError('getpwnam', errno);
  return entry;
}

// --- chpst (CHP-3, CHP-6, CHP-12) ---

/** chdir(2) to a byte string's path (process.chdir only takes UTF-8 strings). */
export function chdir(path: string): void {
  check(chpstC.chdir(cString(path)) as number, 'chdir');
}

/** fchdir(2): back to a directory held open by fd, even if its path has gone. */
export function fchdir(fd: number): void {
  check(chpstC.fchdir(fd) as number, 'fchdir');
}

/**
 * Restores the default action of a signal. Node ignores SIGPIPE and SIGXFSZ at start-up; an
 * ignored disposition survives execve, so chpst undoes it before handing over the process.
 */
export function resetSignal(signal: number): void {
  chpstC.signal(signal, null);
}

/*
 * The last steps before exec. Once chpst has lowered RLIMIT_AS/DATA/STACK the V8 heap can no
 * longer grow, and a scavenge that needs a fresh semi-space aborts Node. So these take arguments
 * prepared in advance, return errno instead of throwing, and allocate nothing on the JS heap.
 */

/**
 * A byte string (one char per byte) as the bytes it stands for, written into `target` at `at`;
 * returns where the bytes end. By hand, not through Buffer: a short command pays each of Buffer's
 * encoders ~0.1 ms the first time it runs, and this also serves where the heap must not grow.
 */
export function writeByteString(target: Uint8Array, at: number, text: string): number {
  for (let index = 0; index < text.length; index++) target[at + index] = text.charCodeAt(index);
  return at + text.length;
}

/** A byte string's bytes. */
export function byteArray(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  writeByteString(bytes, 0, text);
  return bytes;
}

/** A C string: a byte string's bytes plus a NUL. */
export function cString(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length + 1);
  writeByteString(bytes, 0, text);
  return bytes;
}

/** A NULL-terminated vector of C strings, ready for execveNow. */
export function cVector(texts: readonly string[]): (Uint8Array | null)[] {
  return [...texts.map(cString), null];
}

/**
 * execve(2) on prepared arguments; returns errno (it only returns on failure). Without `env` it
 * is execv(3): the program gets this process's own environment block as it is, libc's environ,
 * which Node reads but never rewrites unless process.env is written to.
 */
export function execveNow(path: Uint8Array, argv: readonly (Uint8Array | null)[], env: readonly (Uint8Array | null)[] | undefined): number {
  if (env === undefined) lastSteps.execv(path, argv);
  else lastSteps.execve(path, argv, env);
  return lastErrno();
}

export interface ExactLimit {
  soft: bigint;
  hard: bigint;
}

/**
 * getrlimit(2) without rounding (RLIM_INFINITY is 2^64-1). A struct rlimit is two 64-bit
 * unsigned numbers on Linux, so a BigUint64Array stands for it, without a koffi struct type.
 */
export function getrlimitExact(resource: number): ExactLimit {
  const limit = new BigUint64Array(2);
  check(c.getrlimit(resource, limit) as number, 'getrlimit');
  return { soft: limit[0]!, hard: limit[1]! };
}

/** A setrlimit(2) argument built in advance for setrlimitNow. */
export function nativeRlimit(limit: ExactLimit): BigUint64Array {
  return BigUint64Array.of(limit.soft, limit.hard);
}

/** setrlimit(2) on a prepared argument; returns 0 or errno. */
export function setrlimitNow(resource: number, native: BigUint64Array): number {
  return lastSteps.setrlimit(resource, native) === -1 ? lastErrno() : 0;
}

/**
 * _exit(2): ends the process without Node's teardown, for when chpst has already handed Node's
 * own descriptors over (a lock fd dup2'ed onto the loop's number) and then failed to exec.
 */
export function exitNow(code: number): never {
  lastSteps._exit(code);
  throw new Error('_exit returned');
}

const PATH_MAX = 4096;
let linkTarget: Uint8Array | undefined;

/**
 * readlink(2), the target as a byte string; undefined when it fails (the link is gone). Through
 * libc rather than fs.readlinkSync, which costs chpst's scan of its descriptors (a call per
 * descriptor) twice as much; and no error object, whose errno name would load node:os.
 */
export function readlinkIfAny(path: string): string | undefined {
  linkTarget ??= new Uint8Array(PATH_MAX);
  const target = linkTarget;
  const length = Number(c.readlink(path, target, target.length));
  return length === -1 ? undefined : String.fromCharCode(...target.subarray(0, length));
}

/** fcntl(F_GETFL): the open file status flags (O_ACCMODE bits say read, write or both). */
export function getStatusFlags(fd: number): number {
  return check(c.fcntl(fd, F_GETFL, 'int', 0) as number, 'fcntl');
}

/** fcntl(F_SETFL): e.g. O_NONBLOCK off again on a pipe end that had to be opened without blocking. */
export function setStatusFlags(fd: number, flags: number): void {
  check(c.fcntl(fd, F_SETFL, 'int', flags) as number, 'fcntl');
}

/**
 * getpwnam(3) as runit reads it: the entry, or undefined plus the errno left behind. chpst tells
 * "no such user" (errno 0) from a failed lookup (e.g. ENOENT with no /etc/passwd after -/).
 * `name` is a string (sent as UTF-8) or a C string's bytes (cString), so a name that is not
 * UTF-8 can be looked up as it is.
 */
export function getpwnamErrno(name: string | Uint8Array): { entry: PasswdEntry | undefined; errno: number } {
  resetErrno();
  const entry = c.getpwnam(name);
  if (entry === null) return { entry: undefined, errno: lastErrno() };
  const decoded = decodePasswd(entry);
  return { entry: { uid: decoded.pw_uid, gid: decoded.pw_gid, home: decoded.pw_dir }, errno: 0 };
}

/** getgrnam(3) in the same way: a gid, or undefined plus errno. */
export function getgrnamErrno(name: string | Uint8Array): { gid: number | undefined; errno: number } {
  resetErrno();
  const entry = c.getgrnam(name);
  return entry === null ? { gid: undefined, errno: lastErrno() } : { gid: decodeGroup(entry).gr_gid, errno: 0 };
}

const F_DUPFD_CLOEXEC = 1030;

/** A close-on-exec duplicate of `fd`, so a stream may own (and close) the copy. */
export function dupCloexec(fd: number): number {
  return check(c.fcntl(fd, F_DUPFD_CLOEXEC, 'int', 0) as number, 'fcntl');
}

/** A non-blocking IPv4 datagram socket. */
export function udpSocket(): number {
  return check(inet.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) as number, 'socket');
}

/** sendto(2) with a 16-byte sockaddr_in; returns the bytes sent. */
export function sendTo(fd: number, data: Uint8Array, sockaddr: Uint8Array): number {
  return check(Number(inet.sendto(fd, data, data.length, 0, sockaddr, sockaddr.length)), 'sendto');
}

/** sun_path's size in struct sockaddr_un: a path must fit with its NUL. */
export const UNIX_PATH_MAX = 108;

/** A unix socket address as bind(2) and sendmsg(2) take it, and its length. */
export interface UnixAddress {
  bytes: Uint8Array;
  length: number;
}

/**
 * The sockaddr_un of `path`: a file path, or `@name` for Linux's abstract namespace (as
 * systemd's NOTIFY_SOCKET spells it). Throws SysError ENAMETOOLONG when it does not fit.
 */
export function unixAddress(path: string): UnixAddress {
  const name = Buffer.from(path);
  if (name.length >= UNIX_PATH_MAX) throw new SysError('bind', 36 /* ENAMETOOLONG */, path);
  const bytes = new Uint8Array(2 + name.length + 1);
  bytes[0] = AF_UNIX; // sa_family_t, little-endian
  bytes.set(name, 2);
  // An abstract name starts with a NUL byte and has no terminating one.
  if (!path.startsWith('@')) return { bytes, length: bytes.length };
  bytes[2] = 0;
  return { bytes, length: 2 + name.length };
}

/**
 * A non-blocking, close-on-exec unix datagram socket bound to `path` (a file path, or `@name`
 * for Linux's abstract namespace, as systemd's NOTIFY_SOCKET spells it). The path must not exist.
 */
export function unixDatagramSocket(path: string): number {
  const address = unixAddress(path);
  const fd = check(inet.socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) as number, 'socket');
  try {
    check(unix.bind(fd, address.bytes, address.length) as number, 'bind', path);
  } catch (error) {
    c.close(fd);
    throw error;
  }
  return fd;
}

const MADV_DONTNEED = 4;

/**
 * madvise(MADV_DONTNEED) on [address, address + length): for a private mapping of a file that was
 * never written, the pages leave this process's page tables and come back from the page cache at
 * the next touch, unchanged.
 */
export function unmapCleanPages(address: bigint, length: number): void {
  check(c.madvise(address, length, MADV_DONTNEED) as number, 'madvise');
}
