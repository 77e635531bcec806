/**
 * The only module that talks to koffi. Declarations are private to `sys/`; everything else goes
 * through the typed wrappers in `sys/index.ts`, which turn errno into SysError.
 */
import { createRequire } from 'node:module';

type Koffi = typeof import('koffi').default;

/**
 * koffi's own entry point spends ~10 ms per process (ESM loading, an ELF probe of the node binary
 * to choose glibc or musl, deprecation wrappers) before it loads the same native addon. Every
 * chpst and sv call pays that, so on glibc x64 the prebuilt addon is loaded directly; anything
 * else, or any failure, goes through koffi's entry point.
 */
function loadKoffi(): Koffi {
  const require = createRequire(import.meta.url);
  if (process.platform === 'linux' && process.arch === 'x64') {
    try {
      const native = require('@koromix/koffi-linux-x64/linux_x64/koffi.node') as Koffi;
      // The API used here (load/func/struct/decode/errno) is koffi 3's.
      if (typeof native.load === 'function' && String(native.version).startsWith('3.')) return native;
    } catch {
      // musl, another layout: take the long way.
    }
  }
  return require('koffi') as Koffi;
}

const koffi = loadKoffi();

const libc = koffi.load('libc.so.6');

koffi.struct('rlimit', { rlim_cur: 'uint64_t', rlim_max: 'uint64_t' });
koffi.struct('passwd', {
  pw_name: 'const char *',
  pw_passwd: 'const char *',
  pw_uid: 'uint32_t',
  pw_gid: 'uint32_t',
  pw_gecos: 'const char *',
  pw_dir: 'const char *',
  pw_shell: 'const char *',
});
koffi.struct('group', {
  gr_name: 'const char *',
  gr_passwd: 'const char *',
  gr_gid: 'uint32_t',
  gr_mem: 'void *',
});

export const c = {
  mkfifo: libc.func('int mkfifo(const char *path, uint32_t mode)'),
  flock: libc.func('int flock(int fd, int operation)'),
  pipe2: libc.func('int pipe2(_Out_ int *fds, int flags)'),
  fcntl: libc.func('int fcntl(int fd, int cmd, ...)'),
  close: libc.func('int close(int fd)'),
  dup2: libc.func('int dup2(int oldfd, int newfd)'),
  getrlimit: libc.func('int getrlimit(int resource, _Out_ rlimit *rlim)'),
  setrlimit: libc.func('int setrlimit(int resource, const rlimit *rlim)'),
  setsid: libc.func('int setsid()'),
  setpgid: libc.func('int setpgid(int pid, int pgid)'),
  setgroups: libc.func('int setgroups(size_t size, const uint32_t *list)'),
  setgid: libc.func('int setgid(uint32_t gid)'),
  setuid: libc.func('int setuid(uint32_t uid)'),
  chroot: libc.func('int chroot(const char *path)'),
  nice: libc.func('int nice(int inc)'),
  execve: libc.func('int execve(const char *path, const char **argv, const char **envp)'),
  waitpid: libc.func('int waitpid(int pid, _Out_ int *status, int options)'),
  prctl: libc.func('int prctl(int option, ...)'),
  getpwnam: libc.func('passwd *getpwnam(const char *name)'),
  getgrnam: libc.func('group *getgrnam(const char *name)'),
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
  chdir: libc.func('int chdir(const char *path)'),
  fchdir: libc.func('int fchdir(int fd)'),
  signal: libc.func('void *signal(int sig, void *handler)'),
  _exit: libc.func('void _exit(int status)'),
};

// svlogd's UDP copies (SVL-10): a synchronous sendto on a fresh socket, as runit does, so a
// failed send is known before the next line is written.
export const inet = {
  socket: libc.func('int socket(int domain, int type, int protocol)'),
  sendto: libc.func('long sendto(int fd, const void *buf, size_t len, int flags, const void *addr, uint32_t addrlen)'),
};
