import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of our package.json, found upwards from this module (in source, dist/ or the packaged asar). */
function findPackageRoot(): { root: string; version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'npy-studio') return { root: dir, version: pkg.version ?? '0.0.0' };
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the npy-studio package.json');
    dir = parent;
  }
}

const found = findPackageRoot();
export const PACKAGE_ROOT = found.root;
export const VERSION = found.version;
/** Where `vite build` puts the UI. */
export const RENDERER_DIR = join(PACKAGE_ROOT, 'dist', 'renderer');
