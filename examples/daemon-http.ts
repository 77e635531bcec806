/**
 * An HTTP service on node-runit/daemon: it answers every request with `pid=<pid>
 * generation=<n>` and a newline, takes its listening socket from LISTEN_FDS (the first one) or
 * binds HTTP_ADDR (host:port) when none was passed, starts the next generation on SIGHUP
 * (`sv hup`) in the same process, hands over to a new process of itself on SIGUSR2 (`sv 2`,
 * under a supervisor that follows MAINPID=: docs/daemon.md), and drains and exits 0 on SIGTERM.
 *
 *   node dist/examples/daemon-http.js                      serve (as ./run does)
 *   node dist/examples/daemon-http.js --service PARENT ADDR
 *        write PARENT/daemon-http, a runit service directory for it: the supervisor holds
 *        ADDR across restarts (`listen`) and learns readiness through sd_notify (`notify-socket`)
 *
 * DAEMON_HTTP_SLOW_MS (optional) makes each answer wait that long, and GET /slow (1.5 s) or
 * /slow?ms=N one answer, to watch a drain. DAEMON_HTTP_SHUTDOWN_MS (optional) is how long a
 * drain may take before what is left is forced out (the library's default: 10 s).
 */
import { createServer } from 'node:http';
import { ServiceBuilder } from '../src/index.js';
import { run, serve } from '../src/daemon/index.js';

if (process.argv[2] === '--service') {
  const [parent, address] = process.argv.slice(3);
  if (parent === undefined || address === undefined) throw new Error('usage: daemon-http.js --service PARENT HOST:PORT');
  const dir = await ServiceBuilder.runit('daemon-http', parent)
    .command([process.execPath, import.meta.filename])
    .env('HTTP_ADDR', address)
    .readiness('notify-socket')
    .listen(`tcp:${address} name=http`)
    .build();
  console.log(dir);
} else {
  const slowMillis = Number(process.env['DAEMON_HTTP_SLOW_MS'] ?? 0);
  const shutdownMillis = process.env['DAEMON_HTTP_SHUTDOWN_MS'];
  const daemon = await run({
    ...(shutdownMillis !== undefined && { shutdownTimeout: Number(shutdownMillis) }),
    configure: async ({ generation, listen }) => {
      // The first passed socket, else HTTP_ADDR bound here: the same socket in every generation.
      const listener = await listen({ anyPassed: true, address: process.env['HTTP_ADDR'] ?? '127.0.0.1:8080' });
      const server = createServer((request, response) => {
        const answer = (): void => void response.end(`pid=${process.pid} generation=${generation}\n`);
        // GET /slow answers after 1.5 s, /slow?ms=N after N ms: a request in flight to watch drain.
        const slow = /^\/slow(?:\?ms=(\d+))?$/.exec(request.url ?? '');
        if (slowMillis > 0 || slow !== null) setTimeout(answer, slowMillis || Number(slow?.[1] ?? 1500));
        else answer();
      });
      return { servers: [serve(server, listener)] };
    },
  });
  const result = await daemon.exited;
  process.exitCode = result.isForced ? 1 : 0;
}
