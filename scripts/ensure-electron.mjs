#!/usr/bin/env node
/**
 * First step of `npm start`: makes sure Electron's binary is here. The electron package downloads it lazily
 * (on the first `require('electron')`), and a failed download would end in a stack trace; this runs the same
 * installer quietly and, when it fails, says what is wrong and what to do in one line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The binary `require('electron')` would return, if it is there. */
function installedBinary(packageDir) {
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : undefined;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) return join(override, relative ?? 'electron');
  const binary = relative && join(packageDir, 'dist', relative);
  return binary && existsSync(binary) ? binary : undefined;
}

/** Whether this Node is older than the `>= X.Y.Z` an engines field asks for. */
function olderThan(range) {
  const wanted = /(\d+)\.(\d+)\.(\d+)/
    .exec(range ?? '')
    ?.slice(1)
    .map(Number);
  if (!wanted) return false;
  const have = process.versions.node.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (have[i] !== wanted[i]) return have[i] < wanted[i];
  return false;
}

function firstLine(text) {
  return text
    ?.split('\n')
    .find((line) => line.trim() !== '' && !line.startsWith('Downloading'))
    ?.trim();
}

/** Undefined when Electron is ready to run, else the one line that explains why not. */
function problem() {
  let packageDir;
  let pkg;
  try {
    const packageJson = require.resolve('electron/package.json');
    packageDir = dirname(packageJson);
    pkg = JSON.parse(readFileSync(packageJson, 'utf8'));
  } catch {
    return 'the electron package is not installed: run `npm install` first';
  }
  if (installedBinary(packageDir)) return undefined;

  const install = spawnSync(process.execPath, [join(packageDir, 'install.js')], { encoding: 'utf8', timeout: 600_000 });
  if (install.status === 0 && installedBinary(packageDir)) return undefined;
  const reason = firstLine(install.stderr) ?? install.error?.message ?? `the installer exited with ${install.status}`;
  const nodeNote = olderThan(pkg.engines?.node) ? ` (its installer wants Node ${pkg.engines.node}; this is ${process.version})` : '';
  return (
    `Electron ${pkg.version}'s binary is not installed and downloading it failed: ${reason}${nodeNote}. ` +
    'It comes from github.com on first use: allow that (or set ELECTRON_MIRROR) and run `npm start` again; ' +
    'meanwhile `npm run serve` serves the same UI to a browser.'
  );
}

const found = problem();
if (found) {
  console.error(`npm start: ${found}`);
  process.exitCode = 1;
}
