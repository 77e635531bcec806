// A tiny web service: answers on :8080 and says goodbye on TERM, so the log shows an orderly stop.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const boot = readFileSync('/srv/web/boot.txt', 'utf8');
const server = createServer((request, response) => {
  console.log(`${request.method} ${request.url}`);
  response.end(`hello from node-runit (${boot.trim()})\n`);
});
server.listen(8080, () => console.log('web listening on :8080'));
process.on('SIGTERM', () => {
  console.log('web got TERM, closing');
  server.close(() => process.exit(0));
});
