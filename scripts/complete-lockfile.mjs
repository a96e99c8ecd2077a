#!/usr/bin/env node
// The registry this project's machines reach serves only the platform packages of linux-x64, so
// `npm install` here leaves the other platforms' optional binaries (nx, unrs-resolver, ...) out of
// package-lock.json, and `npm ci` then refuses the lockfile as out of sync. This adds an entry for
// each missing optional platform package, with the os/cpu/libc its name states, so npm ci skips it
// as incompatible on this platform and installs it normally elsewhere. Run after `npm install`
// (npm run lockfile:complete); it changes nothing when the lockfile is complete. The entries carry
// no integrity hash (the registry here cannot serve the files): on those platforms npm fetches
// them unverified until the lockfile is regenerated where the registry serves them.
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

const OS = new Set(['darwin', 'linux', 'win32', 'freebsd', 'android', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd']);
const CPU = new Set(['x64', 'arm64', 'arm', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el', 'wasm32']);

/** os, cpu and libc from a platform package name such as @nx/nx-linux-arm64-musl. */
function platformOf(name) {
  const tokens = name.split('/').pop().split('-');
  const osIndex = tokens.findIndex((token) => OS.has(token));
  if (osIndex === -1 || !CPU.has(tokens[osIndex + 1])) return undefined;
  const abi = tokens.slice(osIndex + 2).join('-');
  const platform = { os: [tokens[osIndex]], cpu: [tokens[osIndex + 1]] };
  if (abi.includes('musl')) platform.libc = ['musl'];
  else if (abi.includes('gnu') && tokens[osIndex] === 'linux') platform.libc = ['glibc'];
  return platform;
}

function isInstalledFor(parentPath, name) {
  for (let dir = parentPath; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
    if (packages[`${dir ? `${dir}/` : ''}node_modules/${name}`]) return true;
    if (dir === '') return false;
  }
}

let added = 0;
const unknown = [];
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    if (isInstalledFor(path, name)) continue;
    const platform = platformOf(name);
    if (platform === undefined || !/^\d+\.\d+\.\d+/.test(spec)) {
      unknown.push(`${name}@${spec} (wanted by ${path || 'the root'}: no platform in its name, or not an exact version)`);
      continue;
    }
    const existing = packages[`node_modules/${name}`];
    if (existing !== undefined) {
      if (existing.version !== spec)
        unknown.push(`${name}@${spec} (wanted by ${path || 'the root'}, while ${existing.version} is already added)`);
      continue;
    }
    packages[`node_modules/${name}`] = { version: spec, ...(entry.dev ? { dev: true } : {}), optional: true, ...platform };
    added++;
  }
}

const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`[lockfile] ${added} platform package entr${added === 1 ? 'y' : 'ies'} added.`);
if (unknown.length > 0) {
  console.error(
    `[lockfile] Failed to complete package-lock.json: no platform can be read from ${unknown.join(', ')}. Add those entries by hand or regenerate the lockfile where the registry serves them.`,
  );
  process.exit(1);
}
