// Lists source files over 300 lines and functions over 60 lines under src/ (tests and fixtures left
// out). A report, not a gate: it always exits 0. Usage: node scripts/report-sizes.mjs [src-dir]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 60;
const root = resolve(new URL('..', import.meta.url).pathname);
const srcDir = resolve(process.argv[2] ?? join(root, 'src'));

function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== '__fixtures__') out.push(...sourceFiles(path));
    } else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function isFunction(node) {
  if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) return Boolean(node.body);
  return (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && ts.isBlock(node.body);
}

function functionName(node) {
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText();
  return '(anonymous)';
}

const longFiles = [];
const longFunctions = [];
for (const file of sourceFiles(srcDir)) {
  const text = readFileSync(file, 'utf8');
  const rel = relative(root, file);
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (lines > MAX_FILE_LINES) longFiles.push(`${rel} ${lines} lines`);
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (isFunction(node)) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      if (end - start + 1 > MAX_FUNCTION_LINES)
        longFunctions.push(`${rel}:${start + 1} ${functionName(node)} ${end - start + 1} lines`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}
console.log(`files over ${MAX_FILE_LINES} lines: ${longFiles.length}`);
for (const line of longFiles) console.log(`  ${line}`);
console.log(`functions over ${MAX_FUNCTION_LINES} lines: ${longFunctions.length}`);
for (const line of longFunctions) console.log(`  ${line}`);
