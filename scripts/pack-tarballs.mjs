// Packs the publishable packages into tarballs that any project can install (`npm run tarballs`):
// the packages are not on the npm registry under these names. Run after `npm run build` (the
// root script does both). Usage: node scripts/pack-tarballs.mjs [destination, default tarballs/]
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The packages, in dependency order. */
export const packageNames = [
  '@baton/core',
  '@baton/providers',
  '@baton/tracing',
  '@baton/a2a',
  '@baton/eval',
];

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Packs every package into `destination` and returns the tarballs' absolute paths, in the order of
 * {@link packageNames}.
 */
export function packTarballs(destination) {
  mkdirSync(destination, { recursive: true });
  const output = execFileSync(
    'npm',
    ['pack', ...packageNames.flatMap((name) => ['-w', name]), '--pack-destination', destination, '--json'],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return JSON.parse(output).map((entry) => resolve(destination, entry.filename));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const destination = resolve(process.cwd(), process.argv[2] ?? resolve(root, 'tarballs'));
  const files = packTarballs(destination);
  process.stdout.write(
    `${files.map((file) => relative(process.cwd(), file)).join('\n')}\n\nInstall the ones you need in one command, e.g.\n  npm install ${files
      .slice(0, 2)
      .map((file) => file)
      .join(' ')}\n`,
  );
}
