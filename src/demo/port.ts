/**
 * The demo's web port: the one asked for when it is free, else one the system picks, so the
 * demo never prints a `curl` line for a port its web service cannot bind (and crash-loops on).
 */
import { createServer } from 'node:net';

/** Resolves with the port bound on 127.0.0.1 and released again, or rejects with the error. */
function tryPort(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : port));
    });
  });
}

/** `preferred` when it is free on 127.0.0.1, else a free port; `isPreferred` says which. */
export async function pickPort(preferred: number): Promise<{ port: number; isPreferred: boolean }> {
  try {
    return { port: await tryPort(preferred), isPreferred: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return { port: await tryPort(0), isPreferred: false };
  }
}
