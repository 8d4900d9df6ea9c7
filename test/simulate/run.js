#!/usr/bin/env node
// `npm run simulate -- <name> [args]`: runs test/simulate/<name>.simulate.ts, a what-if
// simulation on the real domain code. Needs no stack.
const { spawnSync } = require('node:child_process');
const { readdirSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const available = readdirSync(__dirname)
  .filter((file) => file.endsWith('.simulate.ts'))
  .map((file) => file.slice(0, -'.simulate.ts'.length))
  .sort();
const [name, ...args] = process.argv.slice(2);

if (!name || !available.includes(name)) {
  if (name) console.error(`unknown simulation "${name}"`);
  console.error(`usage: npm run simulate -- <name> [args]\navailable: ${available.join(', ')}`);
  process.exit(name ? 1 : 0);
}

const simulation = spawnSync(
  process.execPath,
  ['-r', '@swc-node/register', path.join(__dirname, `${name}.simulate.ts`), ...args],
  { cwd: root, stdio: 'inherit' },
);
process.exit(simulation.status ?? 1);
