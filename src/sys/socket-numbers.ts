/**
 * Linux's socket numbers (x86-64 and every other Linux ABI we run on), one copy for the sys/
 * modules that make, pass or inspect sockets through koffi.
 */
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
