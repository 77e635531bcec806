/**
 * The order in which a set of services can start, from their `dependencies.d/` (docs/
 * extensions.md): layers, each depending only on earlier ones. Dependencies outside the set are
 * left to the supervisor (which waits for them by itself); a cycle inside the set is an error.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { RunitError } from '../errors.js';
import { EXTENSION_FILE } from '../protocol/layout.js';

/** The names in `<service>/dependencies.d`, none when it does not exist. */
export function readDependencies(service: string): string[] {
  try {
    return readdirSync(join(service, EXTENSION_FILE.dependencies)).filter((name) => !name.startsWith('.'));
  } catch {
    return [];
  }
}

/**
 * `services` (paths; a dependency names a sibling by its directory name) in start order, layer
 * by layer. Throws RunitError ERR_INVALID naming a cycle.
 */
export function dependencyLayers(services: readonly string[], dependenciesOf = readDependencies): string[][] {
  const byName = new Map(services.map((service) => [basename(service.replace(/\/+$/, '')), service]));
  const waitsFor = new Map(
    services.map((service) => [service, dependenciesOf(service).filter((name) => byName.has(name)).map((name) => byName.get(name)!)]),
  );
  const layers: string[][] = [];
  const placed = new Set<string>();
  while (placed.size < services.length) {
    const layer = services.filter((service) => !placed.has(service) && waitsFor.get(service)!.every((dep) => placed.has(dep)));
    if (layer.length === 0) {
      const left = services.filter((service) => !placed.has(service)).map((service) => basename(service));
      throw new RunitError('ERR_INVALID', `dependency cycle among: ${left.join(', ')}`);
    }
    for (const service of layer) placed.add(service);
    layers.push(layer);
  }
  return layers;
}
