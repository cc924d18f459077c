#!/usr/bin/env node
/**
 * Give package-lock.json an entry for every platform-only optional package it names.
 *
 * Why: `npm ci` refuses a lock in which a package lists optionalDependencies that have no
 * entry of their own. npm writes those entries only for builds the registry serves; a registry
 * mirror that carries just this machine's builds (linux-x64-gnu) leaves the others out, and the
 * lock no longer passes `npm ci`. Each added entry states its os/cpu/libc, so `npm ci` skips it
 * on every other platform without fetching anything.
 *
 * Run after changing dependencies: `node scripts/complete-lockfile.mjs` (then `npm ci` to check).
 */
import { readFileSync, writeFileSync } from 'node:fs';

const OSES = ['android', 'darwin', 'win32', 'freebsd', 'openbsd', 'openharmony', 'linux', 'sunos', 'aix'];
const CPUS = ['arm64', 'x64', 'arm', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'wasm32'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OSES.includes(p));
  const cpu = parts.find((p) => CPUS.includes(p));
  if (!os || !cpu) return undefined;
  const libc = os === 'linux' ? (parts.some((p) => p.includes('musl')) ? 'musl' : 'glibc') : undefined;
  return { os, cpu, libc };
}

const path = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [key, entry] of Object.entries({ ...packages })) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    if (packages[`node_modules/${name}`] || packages[`${key}/node_modules/${name}`]) continue;
    const platform = platformOf(name);
    if (!platform || !/^\d+\.\d+\.\d+/.test(spec)) {
      console.warn(`left alone: ${name}@${spec} (not a platform build with an exact version)`);
      continue;
    }
    packages[`node_modules/${name}`] = {
      version: spec,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [platform.os],
      cpu: [platform.cpu],
      ...(platform.libc ? { libc: [platform.libc] } : {}),
    };
    added++;
  }
}
const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
writeFileSync(path, `${JSON.stringify({ ...lock, packages: sorted }, null, 2)}\n`);
console.log(`${path}: added ${added} platform entries`);
