/**
 * The environment variable by which our supervisor tells a service that it follows a change of
 * main process (`MAINPID=` on NOTIFY_SOCKET, docs/extensions.md): set for every ./run of a
 * service with `notify-socket`. node-runit/daemon's replaceProcess hands over only where a
 * supervisor says so (or where systemd, which follows MAINPID too, is recognised); real runit
 * and s6 cannot follow a new pid, and there it refuses.
 */
export const FOLLOWS_MAINPID_VARIABLE = 'NODE_RUNIT_FOLLOWS_MAINPID';
