import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A tarball of one of the repository's packages and its package.json. */
export interface PackedPackage {
  name: string;
  tarball: string;
  manifest: {
    version: string;
    license?: string;
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    bin?: Record<string, string> | string;
    engines?: Record<string, string>;
  };
}

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

/**
 * Installs the repository's tarballs into a fresh project the way `npm install <tarballs>` would,
 * without the network: the project gets a package-lock.json that names the tarballs and, for every
 * registry dependency they pull in (and `devDependencies`), the very version and integrity the
 * repository's own lockfile pins. `npm ci --offline` then takes those from the npm cache, which the
 * repository's `npm ci` (or `npm install`) filled. So the tarballs' `files`, `exports`,
 * `dependencies` and `bin` are installed for real, by npm, offline, in CI as on a laptop.
 *
 * @param options - The project folder (with nothing in it yet), the packed packages, the
 *   repository's root, the project's `type` and extra registry packages for development.
 */
export async function installOffline(options: {
  project: string;
  packages: readonly PackedPackage[];
  repositoryRoot: string;
  type: 'module' | 'commonjs';
  devDependencies: readonly string[];
}): Promise<void> {
  const lock = JSON.parse(await readFile(join(options.repositoryRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const { stdout: registryOutput } = await run('npm', ['config', 'get', 'registry'], {
    cwd: options.repositoryRoot,
  });
  const registry = registryOutput.trim().replace(/\/$/, '');
  const ours = new Set(options.packages.map((entry) => entry.name));
  const entries: Record<string, LockEntry> = {};
  const queue: [string, string, boolean][] = [];

  for (const { name, tarball, manifest } of options.packages) {
    const integrity = `sha512-${createHash('sha512')
      .update(await readFile(tarball))
      .digest('base64')}`;
    entries[`node_modules/${name}`] = {
      version: manifest.version,
      resolved: `file:${relative(options.project, tarball)}`,
      integrity,
      ...(manifest.license ? { license: manifest.license } : {}),
      ...(manifest.dependencies ? { dependencies: manifest.dependencies } : {}),
      ...(manifest.peerDependencies ? { peerDependencies: manifest.peerDependencies } : {}),
      ...(manifest.peerDependenciesMeta ? { peerDependenciesMeta: manifest.peerDependenciesMeta } : {}),
      ...(manifest.bin ? { bin: manifest.bin } : {}),
      ...(manifest.engines ? { engines: manifest.engines } : {}),
    };
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      if (!ours.has(dependency)) queue.push(['', dependency, false]);
    }
  }
  for (const dependency of options.devDependencies) queue.push(['', dependency, false]);

  // Node's lookup over lockfile paths: the nearest node_modules up from the requiring package.
  const find = (from: string, name: string): string | undefined => {
    let base = from;
    for (;;) {
      const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
      const entry = lock.packages[candidate];
      if (entry && !entry.link) return candidate;
      if (base === '') return undefined;
      const cut = base.lastIndexOf('/node_modules/');
      base = cut < 0 ? '' : base.slice(0, cut);
    }
  };
  while (queue.length > 0) {
    const [from, name, optional] = queue.shift()!;
    const path = find(from, name);
    if (path === undefined) {
      if (optional) continue;
      throw new Error(`${name} (needed by ${from || 'the project'}) is not in the repository's lockfile`);
    }
    if (entries[path] !== undefined) continue;
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = lock.packages[path]!;
    // npm 11 may leave `resolved` out of the lockfile; the cache knows the tarball by its address.
    if (entry.resolved === undefined && entry.version !== undefined) {
      entry.resolved = `${registry}/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
    }
    entries[path] = entry;
    for (const dependency of Object.keys(entry.dependencies ?? {})) queue.push([path, dependency, false]);
    for (const dependency of Object.keys(entry.optionalDependencies ?? {}))
      queue.push([path, dependency, true]);
    for (const dependency of Object.keys(entry.peerDependencies ?? {})) {
      queue.push([path, dependency, entry.peerDependenciesMeta?.[dependency]?.optional === true]);
    }
  }

  const dependencies = Object.fromEntries(
    options.packages.map((entry) => [entry.name, `file:${relative(options.project, entry.tarball)}`]),
  );
  const devDependencies = Object.fromEntries(
    options.devDependencies.map((name) => [name, lock.packages[`node_modules/${name}`]!.version!]),
  );
  const manifest = {
    name: 'fresh-project',
    private: true,
    type: options.type,
    dependencies,
    devDependencies,
  };
  await writeFile(join(options.project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(
    join(options.project, 'package-lock.json'),
    `${JSON.stringify(
      {
        name: manifest.name,
        lockfileVersion: 3,
        requires: true,
        packages: { '': { name: manifest.name, dependencies, devDependencies }, ...entries },
      },
      null,
      2,
    )}\n`,
  );
  try {
    await run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: options.project,
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? error);
    const missing = /ENOTCACHED|only-if-cached/.test(stderr)
      ? ' The npm cache lacks a package the repository pins: run `npm ci` in the repository (it fills the cache) and try again.'
      : '';
    throw new Error(`npm ci --offline failed in ${options.project}.${missing}\n${stderr}`);
  }
}
