// The allowed imports between src/ folders (STYLE.md item 14, DESIGN.md "Shape"): programs
// depend on protocol/, sys/, cli/ and client/, never on each other's internals.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/binaries.js';

const SRC = join(REPO_ROOT, 'src');
const SHARED = ['errors.ts', 'clock.ts'];
const PROGRAMS = ['runsv', 'runsvdir', 'runit', 'svlogd', 'chpst', 'sv', 'demo'];

/** Folder → what it may import besides itself. */
const ALLOWED: Record<string, readonly string[]> = {
  protocol: ['errors.ts'],
  sys: ['errors.ts'],
  cli: ['errors.ts', 'protocol', 'sys'],
  client: [...SHARED, 'protocol', 'sys'],
  ...Object.fromEntries(PROGRAMS.map((program) => [program, [...SHARED, 'protocol', 'sys', 'cli', 'client']])),
};

/** The recorded exceptions: hosting entry points other programs may use. */
const ENTRY_POINTS = new Set(['runsv/index.ts', 'runsvdir/index.ts', 'svlogd/index.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*)'([^']+)'/g)].map((match) => match[1]!);
}

function areaOf(pathInSrc: string): string {
  const [first] = pathInSrc.split('/');
  return first!;
}

test('src/ folders import only what DESIGN.md allows', () => {
  const violations: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = relative(SRC, file);
    const area = areaOf(from);
    if (!from.includes('/')) continue; // index.ts is the public barrel; errors.ts/clock.ts are leaves
    const allowed = ALLOWED[area];
    if (allowed === undefined) {
      violations.push(`${from}: folder ${area}/ has no import rule`);
      continue;
    }
    for (const specifier of importsOf(file)) {
      if (specifier === 'koffi' && from !== 'sys/libc.ts') violations.push(`${from}: only sys/libc.ts may import koffi`);
      if (!specifier.startsWith('.')) continue;
      const target = relative(SRC, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts');
      const targetArea = areaOf(target);
      if (targetArea === area || allowed.includes(targetArea) || ENTRY_POINTS.has(target)) continue;
      violations.push(`${from} imports ${target}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('the rule check sees real imports (it can fail)', () => {
  const imports = importsOf(join(SRC, 'runsv/setup.ts'));
  assert.ok(imports.includes('../sys/index.js'));
  assert.ok(imports.some((specifier) => specifier.endsWith('supervisor.js')));
});
