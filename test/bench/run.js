#!/usr/bin/env node
// `npm run bench -- <name> [args]`: makes sure the local stack runs, then runs
// test/bench/<name>.bench.ts, which prints one JSON result per line on stdout.
const { spawnSync } = require('node:child_process');
const { readdirSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const available = readdirSync(__dirname)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.slice(0, -'.bench.ts'.length))
  .sort();
const [name, ...args] = process.argv.slice(2);

if (!name || !available.includes(name)) {
  if (name) console.error(`unknown benchmark "${name}"`);
  console.error(`usage: npm run bench -- <name>\navailable: ${available.join(', ')}`);
  process.exit(name ? 1 : 0);
}

// Stack logs go to stderr so stdout carries only results.
const stack = spawnSync(process.execPath, [path.join(root, 'deploy/local/stack.js'), 'up'], {
  cwd: root,
  stdio: ['ignore', 2, 2],
});
if (stack.status !== 0) {
  console.error(`\`npm run stack:up\` failed (exit ${stack.status ?? stack.signal})`);
  process.exit(1);
}

const bench = spawnSync(
  process.execPath,
  ['-r', '@swc-node/register', path.join(__dirname, `${name}.bench.ts`), ...args],
  { cwd: root, stdio: 'inherit' },
);
process.exit(bench.status ?? 1);
