import type { constants } from 'node:os';

/**
 * runit's own errno texts (spec GEN-2). runit never prints glibc's strerror text, and scripts
 * grep these words, so every message that ends in an error uses this table (IMP-8).
 */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOMEM: 'out of memory',
  ENOENT: 'file does not exist',
  ETXTBSY: 'text busy',
  EIO: 'input/output error',
  EEXIST: 'file already exists',
  ETIMEDOUT: 'timed out',
  EINPROGRESS: 'operation in progress',
  EAGAIN: 'temporary failure',
  EWOULDBLOCK: 'temporary failure',
  EINTR: 'interrupted system call',
  EPIPE: 'broken pipe',
  EPERM: 'permission denied',
  EACCES: 'access denied',
  ENXIO: 'device not configured',
  EPROTO: 'protocol error',
  EISDIR: 'is a directory',
  ECONNREFUSED: 'connection refused',
  ENOTDIR: 'not a directory',
  ESRCH: 'no such process',
  E2BIG: 'argument list too long',
  ENOEXEC: 'exec format error',
  EBADF: 'file descriptor not open',
  ECHILD: 'no child processes',
  EDEADLK: 'operation would cause deadlock',
  EFAULT: 'bad address',
  ENOTBLK: 'not a block device',
  EBUSY: 'device busy',
  EXDEV: 'cross-device link',
  ENODEV: 'device does not support operation',
  EINVAL: 'invalid argument',
  ENFILE: 'system cannot open more files',
  EMFILE: 'process cannot open more files',
  ENOTTY: 'not a tty',
  EFBIG: 'file too big',
  ENOSPC: 'out of disk space',
  ESPIPE: 'unseekable descriptor',
  EROFS: 'read-only file system',
  EMLINK: 'too many links',
  EDOM: 'input out of range',
  ERANGE: 'output out of range',
  EALREADY: 'operation already in progress',
  ENOTSOCK: 'not a socket',
  EDESTADDRREQ: 'destination address required',
  EMSGSIZE: 'message too long',
  EPROTOTYPE: 'incorrect protocol type',
  ENOPROTOOPT: 'protocol not available',
  EPROTONOSUPPORT: 'protocol not supported',
  ESOCKTNOSUPPORT: 'socket type not supported',
  EOPNOTSUPP: 'operation not supported',
  ENOTSUP: 'operation not supported',
  EPFNOSUPPORT: 'protocol family not supported',
  EAFNOSUPPORT: 'address family not supported',
  EADDRINUSE: 'address already used',
  EADDRNOTAVAIL: 'address not available',
  ENETDOWN: 'network down',
  ENETUNREACH: 'network unreachable',
  ENETRESET: 'network reset',
  ECONNABORTED: 'connection aborted',
  ECONNRESET: 'connection reset',
  ENOBUFS: 'out of buffer space',
  EISCONN: 'already connected',
  ENOTCONN: 'not connected',
  ESHUTDOWN: 'socket shut down',
  ETOOMANYREFS: 'too many references',
  ELOOP: 'symbolic link loop',
  ENAMETOOLONG: 'file name too long',
  EHOSTDOWN: 'host down',
  EHOSTUNREACH: 'host unreachable',
  ENOTEMPTY: 'directory not empty',
  EUSERS: 'too many users',
  EDQUOT: 'disk quota exceeded',
  ESTALE: 'stale NFS file handle',
  EREMOTE: 'too many levels of remote in path',
  ENOLCK: 'no locks available',
  ENOSYS: 'system call not available',
  ENOSTR: 'not a stream device',
  ETIME: 'timer expired',
  ENOSR: 'out of stream resources',
  ENOMSG: 'no message of desired type',
  EBADMSG: 'bad message type',
  EIDRM: 'identifier removed',
  ENONET: 'machine not on network',
  ENOLINK: 'link severed',
  EADV: 'advertise error',
  ESRMNT: 'srmount error',
  ECOMM: 'communication error',
  EMULTIHOP: 'multihop attempted',
  EREMCHG: 'remote address changed',
};

let errnoNameByNumber: ReadonlyMap<number, ErrnoName> | undefined;

/**
 * Built on first use, with node:os loaded only then: chpst and sv ask for an errno name only when
 * something failed, and the successful call should not pay for loading node:os.
 */
function errnoNames(): ReadonlyMap<number, ErrnoName> {
  const { constants } = process.getBuiltinModule('node:os');
  // Aliases share a number (EAGAIN/EWOULDBLOCK); the first name listed is the one Node reports.
  return new Map(
    Object.entries(constants.errno)
      .reverse()
      .map(([name, value]) => [value, name as ErrnoName]),
  );
}

/** The errno name (`ENOENT`) for a number, or `E<n>` when the platform has no name for it. */
export function errnoName(errno: number): ErrnoName {
  errnoNameByNumber ??= errnoNames();
  return errnoNameByNumber.get(errno) ?? `E${errno}`;
}

/** runit's text for an errno name (`ENOENT` → `file does not exist`); 0 / undefined → `no error`. */
export function errnoText(code: string | undefined): string {
  if (code === undefined || code === '' || code === '0') return 'no error';
  return ERRNO_TEXT[code] ?? 'unknown error';
}

/** The errno name a thrown value carries (Node system errors and SysError), if any. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * runit's text for any thrown value; a value without an errno name is reported as runit
 * would report an errno it does not know.
 */
export function errorText(error: unknown): string {
  const code = errorCode(error);
  return code === undefined ? 'unknown error' : errnoText(code);
}

/**
 * Every stable code the library's own errors carry, each with when it is thrown (docs/errors.md
 * lists them too). Match `code`, never the message: messages are runit's words and may be
 * reworded, codes are not. Errors caused by a system call carry its errno name instead
 * (ErrnoName). Only the keys matter; the property types mean nothing.
 */
export interface RunitErrorCodes {
  /** Client: no `supervise/` (or no `supervise/ok` or `status`): never supervised. */
  ERR_NOT_SUPERVISED: true;
  /** ServiceBuilder: the target directory exists (it never overwrites). */
  ERR_EXISTS: true;
  /** Client: `supervise/` exists but no supervisor holds it (ENXIO on `supervise/ok`). */
  ERR_RUNSV_NOT_RUNNING: true;
  /** Client: the control FIFO did not accept the bytes after every retry. */
  ERR_CONTROL_NOT_READY: true;
  /** Client, Manager, DevTree: a wait or an operation ran out of time. */
  ERR_TIMEOUT: true;
  /** Client: a status record of the wrong size or with an unknown state. */
  ERR_DECODE: true;
  /** ServiceBuilder, DevTree: invalid input, refused before anything is written. */
  ERR_INVALID: true;
  /** Client: the flavour has no such command. */
  ERR_UNSUPPORTED: true;
  /** Client: a wait was aborted by its AbortSignal. */
  ERR_ABORTED: true;
  /** Any other system failure; `cause` holds the original error. */
  ERR_SYS: true;
  /** Manager: at least one service failed; `errors` holds one OpError each, `results` the rest. */
  ERR_MANAGER: true;
  /** runsv: the Supervisor could not start (runit's `runsv DIR: fatal: ` words in `message`). */
  ERR_SUPERVISOR_START: true;
  /** svlogd: a condition runit's svlogd ends on (`svlogd: fatal: ` + `message`). */
  ERR_SVLOGD_FATAL: true;
  /** chpst: it stopped short of exec for a reason with no errno (`unknown account: …`). */
  ERR_CHPST: true;
  /** sv: a usage error ends the command. */
  ERR_SV_USAGE: true;
  /** sv: a `fatal:` line was written and the command ends. */
  ERR_SV_FATAL: true;
  /** sv in LSB mode: the status command's answer ends the command (`lsbStatus`). */
  ERR_SV_LSB_STATUS: true;
  /** daemon: no socket was passed for a listener that may not be bound here (inheritOnly, or no address). */
  ERR_NO_LISTENER: true;
  /** daemon: replaceProcess cannot hand over: no supervisor that follows a new main pid (real runit), or the new process failed. */
  ERR_NO_HANDOVER: true;
  /** daemon: a reload or replacement was asked for while the daemon is exiting or not running. */
  ERR_NOT_RUNNING: true;
}

/** A stable code of the library's own errors (RunitErrorCodes documents each). */
export type RunitErrorCode = keyof RunitErrorCodes;

/**
 * An errno name, as Node's system errors and SysError carry it (`ENOENT`); `E<n>` for a number
 * the platform has no name for (errnoName).
 */
export type ErrnoName = keyof typeof constants.errno | `E${number}`;

/** Whether an error's `code` names an errno, not one of Node's own `ERR_…` codes. */
export function isErrnoName(code: string): code is ErrnoName {
  return /^E[A-Z0-9]+$/.test(code);
}

/** What `instanceof RunitError` looks for, so an error that must extend another built-in counts. */
const RUNIT_ERROR = Symbol('RunitError');

/**
 * Base class of every error the library throws on purpose. Tests match `code`, not text.
 * `instanceof RunitError` also holds for ManagerError, which stays an AggregateError.
 */
export class RunitError extends Error {
  readonly code: RunitErrorCode | ErrnoName;
  constructor(code: RunitErrorCode | ErrnoName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    Object.defineProperty(this, 'name', { value: new.target.name, enumerable: false });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses keep the ordinary prototype test; only the base also accepts marked classes.
    if (this !== RunitError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && RUNIT_ERROR in value;
  }
}

/**
 * Counts `errorClass`'s instances as RunitErrors although it extends another built-in error
 * (Manager's ManagerError is an AggregateError, as its callers expect).
 */
export function markAsRunitError(errorClass: abstract new (...args: never[]) => Error): void {
  Object.defineProperty(errorClass.prototype, RUNIT_ERROR, { value: true });
}

markAsRunitError(RunitError);

/** A failed libc call: `code` is the errno name, so `errorText()` gives runit's wording. */
export class SysError extends RunitError {
  declare readonly code: ErrnoName;
  readonly errno: number;
  readonly syscall: string;
  readonly path: string | undefined;
  constructor(syscall: string, errno: number, path?: string) {
    const code = errnoName(errno);
    super(code, `${syscall}${path === undefined ? '' : ` ${path}`}: ${errnoText(code)}`);
    this.errno = errno;
    this.syscall = syscall;
    this.path = path;
  }
}

/** One operation on one service failed; `cause` says why. Manager collects these. */
export class OpError extends RunitError {
  readonly op: string;
  readonly service: string;
  constructor(op: string, service: string, cause: unknown) {
    const inner = cause instanceof RunitError ? cause.code : 'ERR_SYS';
    const text = cause instanceof Error ? cause.message : String(cause);
    // The client's errors already begin with the directory; say it once (`status /x: ...`).
    super(inner, `${op} ${service}: ${text.startsWith(`${service}: `) ? text.slice(service.length + 2) : text}`, { cause });
    this.op = op;
    this.service = service;
  }
}
