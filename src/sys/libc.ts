/**
 * The only module that talks to koffi. Declarations are private to `sys/`; everything else goes
 * through the typed wrappers in `sys/index.ts`, which turn errno into SysError.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

type Koffi = typeof import('koffi').default;
type CFunction = ReturnType<ReturnType<Koffi['load']>['func']>;

const ADDON = join('node_modules', '@koromix', 'koffi-linux-x64', 'linux_x64', 'koffi.node');

/**
 * koffi's prebuilt addon for glibc x64, found the way Node's resolver would find the package (the
 * nearest node_modules above this file) but without reading any package.json on the way: chpst
 * and sv pay for every step of this on every call.
 */
function findAddon(): string | undefined {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, ADDON);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * koffi's own entry point spends ~10 ms per process (ESM loading, an ELF probe of the node binary
 * to choose glibc or musl, deprecation wrappers) before it loads the same native addon. So on
 * glibc x64 the prebuilt addon is loaded directly; anything else, or any failure, goes through
 * koffi's entry point.
 */
function loadKoffi(): Koffi {
  const path = process.platform === 'linux' && process.arch === 'x64' ? findAddon() : undefined;
  if (path !== undefined) {
    try {
      const addon = { exports: {} as Koffi };
      process.dlopen(addon, path);
      // The API used here (load/func/struct/decode/errno) is koffi 3's.
      if (typeof addon.exports.load === 'function' && String(addon.exports.version).startsWith('3.')) return addon.exports;
    } catch {
      // musl, or an addon this Node cannot load: take the long way.
    }
  }
  return process.getBuiltinModule('node:module').createRequire(import.meta.filename)('koffi') as Koffi;
}

const koffi = loadKoffi();

const libc = koffi.load('libc.so.6');

const declared = new Map<string, CFunction>();

/** The struct types the functions below return, each declared with the one function using it. */
const STRUCTS = {
  passwd: {
    pw_name: 'const char *',
    pw_passwd: 'const char *',
    pw_uid: 'uint32_t',
    pw_gid: 'uint32_t',
    pw_gecos: 'const char *',
    pw_dir: 'const char *',
    pw_shell: 'const char *',
  },
  group: {
    gr_name: 'const char *',
    gr_passwd: 'const char *',
    gr_gid: 'uint32_t',
    gr_mem: 'void *',
  },
  // sendmsg/recvmsg (fd-passing.ts): x86-64 and arm64 share this layout.
  iovec: {
    iov_base: 'void *',
    iov_len: 'size_t',
  },
  msghdr: {
    msg_name: 'void *',
    msg_namelen: 'uint32_t',
    msg_iov: 'iovec *',
    msg_iovlen: 'size_t',
    msg_control: 'void *',
    msg_controllen: 'size_t',
    msg_flags: 'int',
  },
};

const declaredStructs = new Set<string>();

/**
 * Declares a function on first use, with the struct type it returns: a short-lived command
 * (chpst, sv) calls a handful of the functions below, and declaring them all would cost it more
 * than the calls. The tables are object literals with getters, which V8 builds in one step,
 * unlike defineProperty per name.
 */
function declare(prototype: string, ...structs: (keyof typeof STRUCTS)[]): CFunction {
  let fn = declared.get(prototype);
  if (fn === undefined) {
    for (const struct of structs) {
      if (declaredStructs.has(struct)) continue;
      koffi.struct(struct, STRUCTS[struct]);
      declaredStructs.add(struct);
    }
    fn = libc.func(prototype);
    declared.set(prototype, fn);
  }
  return fn;
}

/**
 * Declared now, not on first use: chpst calls these after setrlimit, when the heap may no longer
 * be able to grow (-m, -d), and a declaration allocates.
 */
export const lastSteps = {
  setrlimit: libc.func('int setrlimit(int resource, const void *rlim)'),
  execve: libc.func('int execve(const char *path, const char **argv, const char **envp)'),
  execv: libc.func('int execv(const char *path, const char **argv)'),
  _exit: libc.func('void _exit(int status)'),
};

export const c = {
  get mkfifo(): CFunction { return declare('int mkfifo(const char *path, uint32_t mode)'); },
  get flock(): CFunction { return declare('int flock(int fd, int operation)'); },
  get pipe2(): CFunction { return declare('int pipe2(_Out_ int *fds, int flags)'); },
  get fcntl(): CFunction { return declare('int fcntl(int fd, int cmd, ...)'); },
  get close(): CFunction { return declare('int close(int fd)'); },
  get dup2(): CFunction { return declare('int dup2(int oldfd, int newfd)'); },
  get getrlimit(): CFunction { return declare('int getrlimit(int resource, void *rlim)'); },
  get setsid(): CFunction { return declare('int setsid()'); },
  get setpgid(): CFunction { return declare('int setpgid(int pid, int pgid)'); },
  get setgroups(): CFunction { return declare('int setgroups(size_t size, const uint32_t *list)'); },
  get setgid(): CFunction { return declare('int setgid(uint32_t gid)'); },
  get setuid(): CFunction { return declare('int setuid(uint32_t uid)'); },
  get chroot(): CFunction { return declare('int chroot(const char *path)'); },
  get nice(): CFunction { return declare('int nice(int inc)'); },
  get waitpid(): CFunction { return declare('int waitpid(int pid, _Out_ int *status, int options)'); },
  get prctl(): CFunction { return declare('int prctl(int option, ...)'); },
  get syscall(): CFunction { return declare('long syscall(long number, ...)'); },
  get getpwnam(): CFunction { return declare('passwd *getpwnam(const char *name)', 'passwd'); },
  get getgrnam(): CFunction { return declare('group *getgrnam(const char *name)', 'group'); },
  get readlink(): CFunction { return declare('long readlink(const char *path, void *buf, size_t size)'); },
  get poll(): CFunction { return declare('int poll(void *fds, unsigned long nfds, int timeout)'); },
  get madvise(): CFunction { return declare('int madvise(uintptr_t addr, size_t length, int advice)'); },
};

export function lastErrno(): number {
  return koffi.errno();
}

export function resetErrno(): void {
  koffi.errno(0);
}

export function decodePasswd(pointer: unknown): { pw_uid: number; pw_gid: number; pw_dir: string } {
  return koffi.decode(pointer, 'passwd') as { pw_uid: number; pw_gid: number; pw_dir: string };
}

export function decodeGroup(pointer: unknown): { gr_gid: number } {
  return koffi.decode(pointer, 'group') as { gr_gid: number };
}

// chpst (CHP-3, CHP-6, CHP-12): byte-exact paths, and the signal state a program inherits.
export const chpstC = {
  get chdir(): CFunction { return declare('int chdir(const char *path)'); },
  get fchdir(): CFunction { return declare('int fchdir(int fd)'); },
  get signal(): CFunction { return declare('void *signal(int sig, void *handler)'); },
};

// svlogd's UDP copies (SVL-10): a synchronous sendto on a fresh socket, as runit does, so a
// failed send is known before the next line is written.
export const inet = {
  get socket(): CFunction { return declare('int socket(int domain, int type, int protocol)'); },
  get sendto(): CFunction { return declare('long sendto(int fd, const void *buf, size_t len, int flags, const void *addr, uint32_t addrlen)'); },
  get inetPton(): CFunction { return declare('int inet_pton(int af, const char *src, void *dst)'); },
};

// runsv's notify socket and `listen` sockets (docs/extensions.md): sockets bound to an address.
export const unix = {
  get bind(): CFunction { return declare('int bind(int fd, const void *addr, uint32_t addrlen)'); },
  get listen(): CFunction { return declare('int listen(int fd, int backlog)'); },
  get setsockopt(): CFunction { return declare('int setsockopt(int fd, int level, int name, const void *value, uint32_t length)'); },
  // The daemon helper's look at a passed socket (src/sys/sockets.ts): what it is, where it listens.
  get getsockname(): CFunction { return declare('int getsockname(int fd, void *addr, _Inout_ uint32_t *addrlen)'); },
  get getsockopt(): CFunction { return declare('int getsockopt(int fd, int level, int name, void *value, _Inout_ uint32_t *length)'); },
};

// Descriptors passed over unix sockets (SCM_RIGHTS, fd-passing.ts).
export const fdPassing = {
  get sendmsg(): CFunction { return declare('long sendmsg(int fd, const msghdr *msg, int flags)', 'iovec', 'msghdr'); },
  get recvmsg(): CFunction { return declare('long recvmsg(int fd, _Inout_ msghdr *msg, int flags)', 'iovec', 'msghdr'); },
};

// The supervisors' children (sys/direct-spawn.ts): posix_spawn starts a child without copying
// this process's page tables and returns the pid at once.
export const spawnC = {
  get posix_spawn(): CFunction { return declare('int posix_spawn(_Out_ int *pid, const char *path, void *actions, void *attr, const char **argv, const char **envp)'); },
  get actionsInit(): CFunction { return declare('int posix_spawn_file_actions_init(void *actions)'); },
  get actionsDestroy(): CFunction { return declare('int posix_spawn_file_actions_destroy(void *actions)'); },
  get addDup2(): CFunction { return declare('int posix_spawn_file_actions_adddup2(void *actions, int fd, int newfd)'); },
  get addOpen(): CFunction { return declare('int posix_spawn_file_actions_addopen(void *actions, int fd, const char *path, int flags, uint32_t mode)'); },
  get addChdir(): CFunction { return declare('int posix_spawn_file_actions_addchdir_np(void *actions, const char *path)'); },
  get attrInit(): CFunction { return declare('int posix_spawnattr_init(void *attr)'); },
  get attrSetFlags(): CFunction { return declare('int posix_spawnattr_setflags(void *attr, short flags)'); },
  get attrSetSigDefault(): CFunction { return declare('int posix_spawnattr_setsigdefault(void *attr, const void *set)'); },
  get attrSetSigMask(): CFunction { return declare('int posix_spawnattr_setsigmask(void *attr, const void *set)'); },
};
