// The demo's port: the one asked for when free, another one (said so) when it is taken.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { test } from 'node:test';
import { pickPort } from '../../../src/demo/port.js';

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

test('a free port is kept; a taken one is swapped for a free one', async (t) => {
  const holder = await listen(0);
  t.after(() => new Promise<void>((done) => holder.close(() => done())));
  const taken = (holder.address() as { port: number }).port;
  const other = await pickPort(taken);
  assert.equal(other.isPreferred, false);
  assert.notEqual(other.port, taken);
  const again = await listen(other.port); // the port given back is really free
  await new Promise<void>((done) => again.close(() => done()));
  assert.deepEqual(await pickPort(other.port), { port: other.port, isPreferred: true });
});
