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

let errnoNameByNumber: ReadonlyMap<number, string> | undefined;

/**
 * Built on first use, with node:os loaded only then: chpst and sv ask for an errno name only when
 * something failed, and the successful call should not pay for loading node:os.
 */
function errnoNames(): ReadonlyMap<number, string> {
  const { constants } = process.getBuiltinModule('node:os');
  // Aliases share a number (EAGAIN/EWOULDBLOCK); the first name listed is the one Node reports.
  return new Map(
    Object.entries(constants.errno)
      .reverse()
      .map(([name, value]) => [value, name]),
  );
}

/** The errno name (`ENOENT`) for a number, or `E<n>` when the platform has no name for it. */
export function errnoName(errno: number): string {
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

/** Stable codes of the library's own errors (mirroring go-runit's Err* values). */
export type RunitErrorCode =
  | 'ERR_NOT_SUPERVISED'
  | 'ERR_EXISTS'
  | 'ERR_RUNSV_NOT_RUNNING'
  | 'ERR_CONTROL_NOT_READY'
  | 'ERR_TIMEOUT'
  | 'ERR_DECODE'
  | 'ERR_INVALID'
  | 'ERR_UNSUPPORTED'
  | 'ERR_ABORTED'
  | 'ERR_SYS';

/** Base class of every error the library throws on purpose. Tests match `code`, not text. */
export class RunitError extends Error {
  readonly code: RunitErrorCode | string;
  constructor(code: RunitErrorCode | string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    Object.defineProperty(this, 'name', { value: new.target.name, enumerable: false });
  }
}

/** A failed libc call: `code` is the errno name, so `errorText()` gives runit's wording. */
export class SysError extends RunitError {
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
