#!/usr/bin/env node
// Regenerates libs/contracts/src/gen from proto/ with buf + ts-proto (ADR 0002).
// The output is git-ignored, so every build and test run starts from the .proto files.
const { execFileSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'libs/contracts/src/gen');
const buf = path.join(root, 'node_modules/.bin/buf');

rmSync(out, { recursive: true, force: true });
execFileSync(buf, ['lint'], { cwd: __dirname, stdio: 'inherit' });
execFileSync(buf, ['generate'], { cwd: __dirname, stdio: 'inherit' });
