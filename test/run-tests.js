#!/usr/bin/env node
// `npm test`: regenerate contracts, type-check the whole workspace, then run every unit and
// integration test. Integration tests start the real local stack themselves (jest global setup).
const { spawnSync } = require('node:child_process');
const { mkdirSync, readFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules/.bin', name);
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run(process.execPath, [path.join(root, 'proto/generate.js')]);
run(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
// Jest's summary is not a line CI tooling reads, so finish with a plain "N passed, N failed".
const results = path.join(root, '.cache/jest-results.json');
mkdirSync(path.dirname(results), { recursive: true });
const jest = spawnSync(bin('jest'), ['--ci', '--json', `--outputFile=${results}`, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
try {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
  const skipped = r.numPendingTests + r.numTodoTests;
  process.stdout.write(`\ntests: ${r.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`);
} catch {
  process.stdout.write('\ntests: 0 passed, 1 failed\n');
}
process.exit(jest.status ?? 1);
