/**
 * The entry point through which `runsvdir` and the `runit` init serve a tree's metrics and
 * health from their own process (NODE_RUNIT_METRICS=[HOST:]PORT), without a second process.
 * They load it with a dynamic import only when asked, so neither pays for it otherwise.
 */
import { listenMetrics } from './metrics-server.js';

export const METRICS_ENV = 'NODE_RUNIT_METRICS';

/** `9791`, `0.0.0.0:9791`, `[::1]:9791`; undefined when it is none of these. */
export function parseListenSpec(text: string): { host: string; port: number } | undefined {
  const match = /^(?:(\[[^\]]+\]|[^:]+):)?(\d+)$/.exec(text);
  if (match === null) return undefined;
  const port = Number(match[2]);
  if (port > 65_535) return undefined;
  return { host: (match[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1'), port };
}

/** As serveTreeMetrics, with a failure told to `warn` in the caller's words instead of thrown. */
export async function serveTreeMetricsOrWarn(roots: readonly string[], spec: string, warn: (text: string) => void): Promise<void> {
  try {
    await serveTreeMetrics(roots, spec);
  } catch (error) {
    warn(`unable to serve metrics: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Serves /metrics and /healthz for `roots` at `spec`; the server does not keep the process alive
 * (the program's own exit decides). Resolves with the address, rejects when it cannot listen.
 */
export async function serveTreeMetrics(roots: readonly string[], spec: string): Promise<string> {
  const address = parseListenSpec(spec);
  if (address === undefined) throw new Error(`${METRICS_ENV}: not [HOST:]PORT: ${spec}`);
  const { server, url } = await listenMetrics(roots, address);
  server.unref();
  return url;
}
