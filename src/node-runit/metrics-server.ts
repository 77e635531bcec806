/**
 * `node-runit metrics`: GET /metrics (Prometheus text) and GET /healthz (200 or 503, with the
 * failing services as JSON) over plain HTTP. Each request reads the tree afresh: the figures are
 * the files' and /proc's at that moment, with nothing cached to go stale.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatMetrics, healthOf } from './metrics.js';
import { readTrees } from './services.js';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Answers /metrics and /healthz for `roots`; false for any other path (the caller's to answer). */
export function handleMetrics(roots: readonly string[], request: IncomingMessage, response: ServerResponse): boolean {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (path !== '/metrics' && path !== '/healthz') return false;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
    return true;
  }
  const views = readTrees(roots);
  if (path === '/metrics') {
    response.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(formatMetrics(views));
  } else {
    const health = healthOf(views);
    response.writeHead(health.isHealthy ? 200 : 503, { 'content-type': 'application/json' }).end(`${JSON.stringify(health)}\n`);
  }
  return true;
}

export interface ListenOptions {
  /** Default 127.0.0.1: a tree's figures are not for the network unless asked. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
}

/** Starts the server; resolves once it listens, with the address it got. */
export async function listenMetrics(roots: readonly string[], options: ListenOptions): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    if (!handleMetrics(roots, request, response)) response.writeHead(404).end();
  });
  return listen(server, options);
}

/** `server.listen` as a promise; the URL names the address actually bound. */
export function listen(server: Server, options: ListenOptions): Promise<{ server: Server; url: string }> {
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}` });
    });
  });
}
