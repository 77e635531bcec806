// Start order from dependencies.d (docs/extensions.md): layers, outside names ignored, cycles refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dependencyLayers } from '../../../src/client/dependency-order.js';

const graph = (edges: Record<string, string[]>) => (service: string) => edges[service.split('/').pop()!] ?? [];

test('layers: each service after everything it depends on inside the set', () => {
  const layers = dependencyLayers(['/t/web', '/t/db', '/t/cache', '/t/worker'], graph({ web: ['db', 'cache'], worker: ['web', 'elsewhere'] }));
  assert.deepEqual(layers, [['/t/db', '/t/cache'], ['/t/web'], ['/t/worker']]);
});

test('a cycle inside the set is refused with ERR_INVALID', () => {
  assert.throws(() => dependencyLayers(['/t/a', '/t/b', '/t/c'], graph({ a: ['b'], b: ['a'] })), {
    code: 'ERR_INVALID',
    message: 'dependency cycle among: a, b',
  });
});
