#!/usr/bin/env node
// The npm registry our machines reach serves only the linux builds of packages that ship one
// optional package per platform (@swc/core-darwin-arm64, @nx/nx-win32-x64, ...). `npm install`
// then leaves those out of package-lock.json, and `npm ci` rejects the lock as out of sync.
// This adds a lock entry for each missing platform package, with its os/cpu, so `npm ci`
// validates and skips it on this platform exactly as it would with the full registry.
// Run it after every `npm install` that changes the lock: `npm run lock:complete`.
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const packages = lock.packages;

const OS = ['darwin', 'win32', 'linux', 'freebsd', 'android', 'openbsd', 'sunos', 'netbsd', 'aix'];
const CPU = { x64: 'x64', arm64: 'arm64', arm: 'arm', armv7: 'arm', ia32: 'ia32', ppc64: 'ppc64', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64', mips64el: 'mips64el', wasm32: 'wasm32' };

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.map((p) => CPU[p]).find(Boolean);
  return cpu ? { ...(os ? { os: [os] } : {}), cpu: [cpu] } : undefined;
}

let added = 0;
const unknown = [];
for (const [at, meta] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    if (packages[`node_modules/${name}`] || packages[`${at}/node_modules/${name}`]) continue;
    const platform = platformOf(name);
    if (!platform) {
      unknown.push(`${name} (optional dependency of ${at || 'the root'})`);
      continue;
    }
    packages[`node_modules/${name}`] = { version, ...platform, optional: true, ...(meta.dev ? { dev: true } : {}) };
    added += 1;
  }
}
if (unknown.length > 0) {
  console.error(`optional dependencies missing from the lock that are not platform builds:\n  ${unknown.join('\n  ')}`);
  process.exit(1);
}
const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
lock.packages = sorted;
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: added ${added} platform package entr${added === 1 ? 'y' : 'ies'}`);
