/**
 * What a generation runs: `Served` is the Go library's Server (serve until told to stop, then
 * finish what is in flight, or be closed at once), and these adapters make one of Node's servers
 * on a Listener: net, http, https and http2 servers (and any framework that hands out one of
 * them), and dgram sockets. Each serves on its own duplicate of the listening descriptor, so
 * stopping it never closes the socket the next generation serves on.
 */
import type { Socket as DatagramSocket } from 'node:dgram';
import type { Server as HttpServer } from 'node:http';
import type { Http2Session } from 'node:http2';
import type { Server as NetServer, Socket } from 'node:net';
import type { Listener } from './listeners.js';

export interface Served {
  /** Starts serving; resolves once it accepts. */
  start(): Promise<void>;
  /** Stops accepting and resolves once the work in flight has finished (connections closed). */
  shutdown(): Promise<void>;
  /** Ends whatever is still in flight, now (after the shutdown time-out). */
  close(): void;
}

/** How often idle keep-alive connections are closed while an HTTP server drains. */
const DRAIN_SWEEP_MILLIS = 50;

/**
 * A net.Server (http, https, http2 and tls servers are ones) serving on `listener`. Draining
 * closes HTTP keep-alive connections as soon as they are idle and sends HTTP/2 sessions a GOAWAY;
 * a plain net.Server's connections are the program's to end (`onShutdown`).
 */
export function serve(server: NetServer, listener: Listener, options: { onShutdown?: () => void } = {}): Served {
  const sockets = new Set<Socket>();
  const sessions = new Set<Http2Session>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const http = server as Partial<HttpServer>;
  return {
    start: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen({ fd: listener.dup() }, () => {
          server.off('error', reject);
          resolve();
        });
      }),
    shutdown: () =>
      new Promise((resolve) => {
        // 'close' comes once the listening handle and every connection are closed.
        server.close(() => {
          clearInterval(sweep);
          resolve();
        });
        options.onShutdown?.();
        for (const session of sessions) session.close();
        const sweep = setInterval(() => http.closeIdleConnections?.(), DRAIN_SWEEP_MILLIS);
        http.closeIdleConnections?.();
      }),
    close: () => {
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** A dgram socket bound to `listener`'s socket: there is nothing in flight, so it just closes. */
export function serveDatagrams(socket: DatagramSocket, listener: Listener): Served {
  let isClosed = false;
  const closeOnce = (done: () => void): void => {
    if (isClosed) return done();
    isClosed = true;
    socket.close(done);
  };
  return {
    start: () =>
      new Promise((resolve, reject) => {
        socket.once('error', reject);
        socket.bind({ fd: listener.dup() }, () => {
          socket.off('error', reject);
          resolve();
        });
      }),
    shutdown: () => new Promise((resolve) => closeOnce(resolve)),
    close: () => closeOnce(() => undefined),
  };
}
