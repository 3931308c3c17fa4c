import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.ts';

// `npm ci` installs exactly what package-lock.json lists and fails when a platform's optional binary is
// missing from it. A lockfile written by `npm install` on one machine can lose the other platforms' entries
// (npm/cli#4828), and then a Mac user's `npm ci` has no anvil. These checks read the committed lockfile.

type LockEntry = {
  version?: string;
  integrity?: string;
  os?: string[];
  cpu?: string[];
  optionalDependencies?: Record<string, string>;
};

const lock = JSON.parse(readFileSync(join(projectRoot(), 'package-lock.json'), 'utf8')) as {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
};

/** The lockfile entry npm resolves `name` to from the package at `parentKey` (nested first, then hoisted). */
function resolveEntry(parentKey: string, name: string): LockEntry | undefined {
  return lock.packages[`${parentKey}/node_modules/${name}`] ?? lock.packages[`node_modules/${name}`];
}

/** Node's names as package.json `os`/`cpu` use them. */
const platforms = [
  { os: 'darwin', cpu: 'x64' },
  { os: 'darwin', cpu: 'arm64' },
  { os: 'linux', cpu: 'x64' },
  { os: 'linux', cpu: 'arm64' },
] as const;

function runsOn(entry: LockEntry, platform: { os: string; cpu: string }): boolean {
  const allowed = (list: string[] | undefined, value: string) =>
    list === undefined || (list.some((item) => !item.startsWith('!')) ? list.includes(value) : !list.includes(`!${value}`));
  return allowed(entry.os, platform.os) && allowed(entry.cpu, platform.cpu);
}

/** Packages that ship their native code as per-platform optional packages (anvil, forge, esbuild, ...). */
const nativeFamilies = Object.entries(lock.packages)
  .filter(([, entry]) => entry.optionalDependencies)
  .map(([key, entry]) => ({
    key,
    binaries: Object.keys(entry.optionalDependencies ?? {})
      .map((name) => ({ name, entry: resolveEntry(key, name) }))
      .filter(({ entry: dep }) => dep?.os !== undefined || dep?.cpu !== undefined),
  }))
  .filter((family) => family.binaries.length > 1);

describe('package-lock.json installs on every platform we support (npm ci on macOS and Linux, x64 and arm64)', () => {
  it('is a lockfile npm ci reads (v3) and lists the toolchain our tests run', () => {
    expect(lock.lockfileVersion).toBe(3);
    const keys = nativeFamilies.map((family) => family.key);
    for (const tool of ['node_modules/@foundry-rs/anvil', 'node_modules/@foundry-rs/forge', 'node_modules/esbuild']) {
      expect(keys).toContain(tool);
    }
  });

  it('every optional dependency of every package has its own entry, pinned by its hash', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const [key, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        const dep = resolveEntry(key, name);
        checked += 1;
        if (!dep) missing.push(`${key} -> ${name}: no entry`);
        // No `resolved`: this project's lockfile leaves the registry to npm's config (omit-lockfile-registry-resolved).
        else if (!dep.integrity?.startsWith('sha512-')) missing.push(`${key} -> ${name}: no sha512 integrity`);
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  it.each(platforms)('each native package has a binary for $os-$cpu', (platform) => {
    expect(nativeFamilies.length).toBeGreaterThanOrEqual(3);
    const without = nativeFamilies
      .filter((family) => !family.binaries.some(({ entry }) => entry && runsOn(entry, platform)))
      .map((family) => family.key);
    expect(without).toEqual([]);
  });

  it('the foundry binaries we run are pinned to the same version on every platform', () => {
    for (const tool of ['anvil', 'forge', 'cast']) {
      const parent = lock.packages[`node_modules/@foundry-rs/${tool}`];
      expect(parent?.version).toBeDefined();
      for (const suffix of ['darwin-amd64', 'darwin-arm64', 'linux-amd64', 'linux-arm64']) {
        expect(lock.packages[`node_modules/@foundry-rs/${tool}-${suffix}`]?.version, `${tool}-${suffix}`).toBe(parent?.version);
      }
    }
  });
});
