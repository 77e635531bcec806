/**
 * `node-runit web`: the status page (web-page.ts), its data and its controls over HTTP. The page
 * gets the whole table again on every change in the tree (server-sent events), so a browser can
 * never drift from the files. Controls change services, so they take three checks: the token
 * printed at start (in an Authorization header, which a cross-site form or image cannot send),
 * a Host naming the address bound (against DNS rebinding), and, when the browser sends one, an
 * Origin equal to that address.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Client } from '../client/client.js';
import { watchTree } from './events.js';
import { findLogSource } from './log-source.js';
import { tailSource } from './log-tail.js';
import { handleMetrics, listen, type ListenOptions } from './metrics-server.js';
import { listTrees, readTrees, type ServiceView } from './services.js';
import { WEB_PAGE } from './web-page.js';

export const WEB_ACTIONS = ['up', 'down', 'restart'] as const;
export type WebAction = (typeof WEB_ACTIONS)[number];

/** A service's row on the page: its view and the last lines of its log. */
export interface WebServiceView extends ServiceView {
  logs: string[];
  /** Where its output goes when it has no log directory. */
  logNote?: string;
}

export interface WebOptions extends ListenOptions {
  /** The secret control actions need. */
  token: string;
  /** Log lines per service on the page (default 10). */
  logLines?: number;
}

/** The page's data: every service with its recent log lines. */
export function webViews(roots: readonly string[], logLines: number): WebServiceView[] {
  return readTrees(roots).map((view) => {
    const source = findLogSource(view.name, view.dir);
    const logs = tailSource(source, logLines).map((line) => line.line);
    return source.note === undefined ? { ...view, logs } : { ...view, logs, logNote: source.note };
  });
}

function isSameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Why a control request is refused, or undefined when it may act. */
export function controlRefusal(request: IncomingMessage, token: string, boundHosts: ReadonlySet<string>): { status: number; reason: string } | undefined {
  const host = request.headers.host ?? '';
  if (!boundHosts.has(host)) return { status: 403, reason: `host ${host} is not this server` };
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return { status: 403, reason: `origin ${origin} may not control services` };
  const auth = request.headers.authorization ?? '';
  if (!auth.startsWith('Bearer ') || !isSameSecret(auth.slice('Bearer '.length), token)) return { status: 401, reason: 'a valid token is needed' };
  if (!(request.headers['content-type'] ?? '').startsWith('application/json')) return { status: 415, reason: 'JSON only' };
  return undefined;
}

async function readBody(request: IncomingMessage, limit = 4096): Promise<string> {
  let body = '';
  for await (const chunk of request) {
    body += chunk;
    if (body.length > limit) throw new Error('request too large');
  }
  return body;
}

async function act(roots: readonly string[], service: string, action: WebAction): Promise<void> {
  const entry = listTrees(roots).find((candidate) => candidate.name === service);
  if (entry === undefined) throw Object.assign(new Error(`no service ${service}`), { status: 404 });
  const client = new Client(entry.dir);
  if (action === 'restart') {
    // sv restart's bytes: TERM, CONT, then up (SV-9).
    await client.term();
    await client.cont();
    await client.up();
  } else await client.control(action);
}

export interface WebServer {
  server: Server;
  /** The page's address, token in its fragment (never sent to the server, kept out of logs). */
  url: string;
  close(): Promise<void>;
}

export async function startWeb(roots: readonly string[], options: WebOptions): Promise<WebServer> {
  const logLines = options.logLines ?? 10;
  const subscribers = new Set<ServerResponse>();
  const controller = new AbortController();
  const boundHosts = new Set<string>();
  let pending: NodeJS.Timeout | undefined;
  const push = (): void => {
    pending = undefined;
    if (subscribers.size === 0) return;
    const frame = `event: services\ndata: ${JSON.stringify(webViews(roots, logLines))}\n\n`;
    for (const response of subscribers) response.write(frame);
  };
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method === 'GET' && path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-frame-options': 'DENY', 'cache-control': 'no-store' }).end(WEB_PAGE);
    } else if (request.method === 'GET' && path === '/api/services') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(webViews(roots, logLines)));
    } else if (request.method === 'GET' && path === '/api/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      subscribers.add(response);
      request.on('close', () => subscribers.delete(response));
      response.write(`event: services\ndata: ${JSON.stringify(webViews(roots, logLines))}\n\n`);
    } else if (path === '/api/control') {
      if (request.method !== 'POST') return void response.writeHead(405, { allow: 'POST' }).end();
      const refusal = controlRefusal(request, options.token, boundHosts);
      if (refusal !== undefined) return void response.writeHead(refusal.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: refusal.reason }));
      const { service, action } = JSON.parse(await readBody(request)) as { service?: unknown; action?: unknown };
      if (typeof service !== 'string' || !WEB_ACTIONS.includes(action as WebAction)) {
        return void response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"service and action (up, down, restart) wanted"}');
      }
      await act(roots, service, action as WebAction);
      response.writeHead(204).end();
    } else if (!handleMetrics(roots, request, response)) {
      response.writeHead(404).end();
    }
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const status = (error as { status?: number }).status ?? 400;
      if (!response.headersSent) response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    });
  });
  const { url } = await listen(server, options);
  const port = new URL(url).port;
  boundHosts.add(new URL(url).host);
  if (options.host === undefined || options.host === '127.0.0.1') boundHosts.add(`localhost:${port}`);
  // Uptimes move without any event: a fresh table every few seconds keeps them honest.
  const ticker = setInterval(() => (pending ??= setTimeout(push, 0)), 5000);
  ticker.unref();
  const events = watchTree(roots, { signal: controller.signal });
  void (async () => {
    for await (const _event of events) pending ??= setTimeout(push, 50);
  })();
  return {
    server,
    url: `${url}/#token=${options.token}`,
    close: async () => {
      controller.abort();
      clearInterval(ticker);
      if (pending !== undefined) clearTimeout(pending);
      for (const response of subscribers) response.end();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
