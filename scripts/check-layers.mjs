// Fails on an import cycle between src/core/<folder>s and on imports that point the wrong way.
// Usage: node scripts/check-layers.mjs [src-dir]   (defaults to this repo's src/)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

// Core files outside any folder that every layer may use; they themselves import nothing of ours.
const SHARED_LEAVES = new Set(['errors.ts', 'logger.ts']);
// versions/ holds the version rules and sits at the bottom: it may use only the shared leaves.
const LEAF_FOLDERS = new Set(['versions']);

const srcDir = resolve(process.argv[2] ?? new URL('../src', import.meta.url).pathname);

function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts)$/.test(name) && !/\.test\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

// Static and dynamic imports and re-exports with a relative specifier; type-only ones count too,
// since a type cycle between folders is still a design cycle.
const IMPORT =
  /(?:\bimport\s*(?:type\s*)?(?:[^'"]*?\bfrom\s*)?|\bexport\s*(?:type\s*)?[^'"]*?\bfrom\s*|\bimport\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

function importsOf(file) {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
  return [...text.matchAll(IMPORT)].map((m) => resolve(dirname(file), m[1].replace(/\.js$/, '.ts')));
}

/** Where a file sits: 'actions', 'cli', 'core/<folder>', 'core:<leaf>', or 'outside'. */
function layerOf(path) {
  const rel = relative(srcDir, path);
  if (rel.startsWith('..')) return 'outside';
  const parts = rel.split(sep);
  if (parts[0] !== 'core') return parts[0];
  return parts.length === 2 ? `core:${parts[1]}` : `core/${parts[1]}`;
}

const problems = [];
const graph = new Map(); // core folder -> Map(target folder -> example "file -> import")
for (const file of sourceFiles(srcDir)) {
  const from = layerOf(file);
  for (const target of importsOf(file)) {
    const to = layerOf(target);
    const where = `${relative(srcDir, file)} imports ${relative(srcDir, target)}`;
    if (from === to) continue;
    // The project's datasets (data/*.json) are read by releases/; any other file outside src/ is not ours to import.
    if (to === 'outside') {
      if (!/\.json$/.test(target)) problems.push(`${where}: imports a module outside src/`);
      continue;
    }
    if (from.startsWith('core') && !to.startsWith('core'))
      problems.push(`${where}: core must not import ${to}/ (entries depend on core, never the reverse)`);
    else if (from.startsWith('core:') && to !== from)
      problems.push(`${where}: ${from.slice(5)} is shared by every layer and imports nothing of ours`);
    else if (LEAF_FOLDERS.has(from.slice(5)) && !to.startsWith('core:'))
      problems.push(`${where}: ${from}/ imports nothing of ours except ${[...SHARED_LEAVES].join(', ')}`);
    if (from.startsWith('core/') && to.startsWith('core/')) {
      const edges = graph.get(from) ?? new Map();
      if (!edges.has(to)) edges.set(to, where);
      graph.set(from, edges);
    }
  }
}

// Tarjan's strongly connected components: every component with more than one folder is a cycle.
let index = 0;
const stack = [];
const state = new Map();
function connect(node) {
  const s = { index, low: index, onStack: true };
  index += 1;
  state.set(node, s);
  stack.push(node);
  for (const next of graph.get(node)?.keys() ?? []) {
    if (!state.has(next)) {
      connect(next);
      s.low = Math.min(s.low, state.get(next).low);
    } else if (state.get(next).onStack) s.low = Math.min(s.low, state.get(next).index);
  }
  if (s.low !== s.index) return;
  const component = [];
  let member;
  do {
    member = stack.pop();
    state.get(member).onStack = false;
    component.push(member);
  } while (member !== node);
  if (component.length < 2) return;
  const inside = new Set(component);
  const edges = component
    .flatMap((f) => [...(graph.get(f) ?? new Map())].filter(([to]) => inside.has(to)).map(([, why]) => why))
    .sort();
  problems.push(`import cycle between ${component.sort().join(', ')}:\n    ${edges.join('\n    ')}`);
}
for (const node of [...graph.keys()].sort()) if (!state.has(node)) connect(node);

if (problems.length > 0) {
  console.error(`Layer check failed (${problems.length}):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
const folders = readdirSync(join(srcDir, 'core'), { withFileTypes: true }).filter((d) => d.isDirectory());
console.log(`layers: ${folders.length} core folders, no cycle, every import points one way`);
