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
// The failures again, briefly, right above the summary: a long run's log is often read from its end.
const firstLines = (text, n) => text.replace(/\u001b\[[0-9;]*m/g, '').split('\n').filter((line) => line.trim() && !line.includes('/node_modules/')).slice(0, n).join('\n      ');
try {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  for (const suite of r.testResults) {
    const file = path.relative(root, suite.name);
    if (suite.status === 'failed' && suite.assertionResults.length === 0) process.stdout.write(`\nFAILED ${file}\n      ${firstLines(suite.message, 12)}\n`);
    for (const test of suite.assertionResults.filter((t) => t.status === 'failed')) {
      process.stdout.write(`\nFAILED ${file} › ${test.fullName}\n      ${firstLines(test.failureMessages.join('\n'), 12)}\n`);
    }
  }
  const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
  const skipped = r.numPendingTests + r.numTodoTests;
  process.stdout.write(`\ntests: ${r.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`);
} catch {
  process.stdout.write('\ntests: 0 passed, 1 failed\n');
}
process.exit(jest.status ?? 1);
