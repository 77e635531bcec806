// The structure rules of docs/architecture.md, checked on the source text: which src/ folder may
// import which (STYLE.md item 14), no import circle in src/ or bench/, runit's supervise/ names
// spelled only in protocol/layout.ts, runsv/ loaded lazily by runsvdir/, and only a program's
// cli.ts printing or exiting.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/binaries.js';

const SRC = join(REPO_ROOT, 'src');
const BENCH = join(REPO_ROOT, 'bench');
const SHARED = ['errors.ts', 'clock.ts'];
const PROGRAMS = ['runsv', 'runsvdir', 'runit', 'svlogd', 'chpst', 'sv', 'demo', 'node-runit'];

/** Folder → what it may import besides itself. */
const ALLOWED: Record<string, readonly string[]> = {
  protocol: ['errors.ts'],
  sys: ['errors.ts'],
  cli: ['errors.ts', 'protocol', 'sys'],
  client: [...SHARED, 'protocol', 'sys'],
  // The service-side helper (node-runit/daemon): a library for services, not a program.
  daemon: [...SHARED, 'protocol', 'sys'],
  ...Object.fromEntries(PROGRAMS.map((program) => [program, [...SHARED, 'protocol', 'sys', 'cli', 'client']])),
};

/** The recorded exceptions: entry points through which one program runs another in process. */
const ENTRY_POINTS = new Set(['runsv/index.ts', 'runsvdir/index.ts', 'svlogd/index.ts', 'node-runit/serve-metrics.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

interface Import {
  specifier: string;
  /** `import type` / `export type`: erased, loads nothing. */
  isTypeOnly: boolean;
  /** `import('...')`: loaded when reached, not with the file. */
  isDynamic: boolean;
}

function importsOf(text: string): Import[] {
  const found: Import[] = [];
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?\sfrom\s+'([^']+)'/gms)) {
    found.push({ specifier: match[3]!, isTypeOnly: match[2] !== undefined, isDynamic: false });
  }
  for (const match of text.matchAll(/^\s*import\s+'([^']+)'/gm)) found.push({ specifier: match[1]!, isTypeOnly: false, isDynamic: false });
  for (const match of text.matchAll(/import\s*\(\s*'([^']+)'\s*\)/g)) found.push({ specifier: match[1]!, isTypeOnly: false, isDynamic: true });
  return found;
}

/** The file a relative specifier names, as a path relative to `root`. */
function target(file: string, specifier: string, root: string): string {
  return relative(root, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts');
}

function areaOf(pathInSrc: string): string {
  return pathInSrc.split('/')[0]!;
}

/** The code with comments removed, so that a comment may name a file the code must not. */
function codeOf(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

export function folderViolations(root: string): string[] {
  const violations: string[] = [];
  for (const file of sourceFiles(root)) {
    const from = relative(root, file);
    const area = areaOf(from);
    if (!from.includes('/')) continue; // index.ts is the public barrel; errors.ts/clock.ts are leaves
    const allowed = ALLOWED[area];
    if (allowed === undefined) {
      violations.push(`${from}: folder ${area}/ has no import rule`);
      continue;
    }
    for (const { specifier } of importsOf(readFileSync(file, 'utf8'))) {
      if (specifier === 'koffi' && from !== 'sys/libc.ts') violations.push(`${from}: only sys/libc.ts may import koffi`);
      if (!specifier.startsWith('.')) continue;
      const to = target(file, specifier, root);
      const toArea = areaOf(to);
      if (toArea === area || allowed.includes(toArea) || ENTRY_POINTS.has(to)) continue;
      violations.push(`${from} imports ${to}`);
    }
  }
  return violations;
}

/** Every circle of value imports among `files` (type-only imports load nothing and are left out). */
export function importCircles(root: string): string[][] {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const from = relative(root, file);
    const to = importsOf(readFileSync(file, 'utf8'))
      .filter((entry) => entry.specifier.startsWith('.') && !entry.isTypeOnly)
      .map((entry) => target(file, entry.specifier, root))
      .filter((path) => !path.startsWith('..'));
    edges.set(from, to);
  }
  const circles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') circles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (state.get(next) === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...edges.keys()].sort()) if (state.get(node) === undefined) visit(node);
  return circles;
}

/** Code (not comments) outside protocol/layout.ts that spells a supervise/ path. */
export function superviseNameViolations(root: string): string[] {
  const violations: string[] = [];
  for (const file of sourceFiles(root)) {
    const from = relative(root, file);
    if (from === 'protocol/layout.ts') continue;
    const code = codeOf(readFileSync(file, 'utf8'));
    for (const match of code.matchAll(/['"`](?:\.\/)?(?:log\/)?supervise(?:\/[a-z.]*)?['"`/]/g)) {
      violations.push(`${from}: ${match[0]}`);
    }
  }
  return violations;
}

/** runsvdir/ loads runsv/ only when a tree is run in process: types and a dynamic import only. */
export function eagerRunsvImports(root: string): string[] {
  const violations: string[] = [];
  for (const file of sourceFiles(join(root, 'runsvdir'))) {
    for (const entry of importsOf(readFileSync(file, 'utf8'))) {
      if (!entry.specifier.startsWith('.')) continue;
      const to = target(file, entry.specifier, root);
      if (to.startsWith('runsv/') && !entry.isTypeOnly && !entry.isDynamic) violations.push(`${relative(root, file)} loads ${to}`);
    }
  }
  return violations;
}

/** Libraries never print and never exit (STYLE.md item 7): only cli.ts files and src/cli/ do. */
export function printingLibraries(root: string): string[] {
  const violations: string[] = [];
  for (const file of sourceFiles(root)) {
    const from = relative(root, file);
    if (from.endsWith('/cli.ts') || from.startsWith('cli/')) continue;
    const code = codeOf(readFileSync(file, 'utf8'));
    for (const match of code.matchAll(/process\.exit\(|process\.std(?:out|err)\.write\(|writeStderr\(/g)) violations.push(`${from}: ${match[0]}`);
  }
  return violations;
}

test('src/ folders import only what docs/architecture.md allows', () => {
  assert.deepEqual(folderViolations(SRC), []);
});

test('no import circle in src/ or bench/', () => {
  assert.deepEqual(importCircles(SRC), []);
  assert.deepEqual(importCircles(BENCH), []);
});

test("only protocol/layout.ts spells runit's supervise/ file names", () => {
  assert.deepEqual(superviseNameViolations(SRC), []);
});

test('runsvdir/ loads runsv/ lazily, so one runsv per service never pays for the Supervisor', () => {
  assert.deepEqual(eagerRunsvImports(SRC), []);
});

test('only a cli.ts prints or exits', () => {
  assert.deepEqual(printingLibraries(SRC), []);
});

test('each rule check can fail: it sees real imports, circles, names and prints', () => {
  const imports = importsOf(readFileSync(join(SRC, 'runsv/setup.ts'), 'utf8'));
  assert.ok(imports.some((entry) => entry.specifier === '../sys/index.js'));
  assert.deepEqual(
    importsOf("import type { A } from './a.js';\nexport { B } from './b.js';\nconst c = await import('./c.js');").map((entry) => [entry.specifier, entry.isTypeOnly, entry.isDynamic]),
    [
      ['./a.js', true, false],
      ['./b.js', false, false],
      ['./c.js', false, true],
    ],
  );
  assert.equal(codeOf("// 'supervise/ok'\nconst x = 'supervise/ok';").match(/supervise\/ok/g)?.length, 1);
  assert.match("const path = 'supervise/status';", /['"`](?:\.\/)?(?:log\/)?supervise(?:\/[a-z.]*)?['"`/]/);
});
