#!/usr/bin/env node
/**
 * Packaging smoke check (`npm run package:smoke`, after `npm run build`): runs electron-builder's
 * unpacked Linux build on a temp copy of the project with a stub file in place of the Electron
 * binary, so nothing is downloaded, then checks what went into app.asar.
 *
 *   --placeholder-renderer   put a stand-in dist/renderer/index.html in the copy if the UI is not built
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const asar = require('@electron/asar');

const REQUIRED_FILES = [
  'dist/main/main.js',
  'dist/main/preload.cjs',
  'dist/main/serverEntry.js',
  'dist/renderer/index.html',
  'dist/server/app.js',
];
/** Development tools that must stay out of the package. */
const EXCLUDED_MODULES = ['electron', 'electron-builder', 'vite', 'vitest', 'typescript', '@playwright/test'];

/** A copy of what electron-builder reads, so the repository is never written to. */
function stageProject(work, placeholderRenderer) {
  const project = join(work, 'project');
  mkdirSync(project);
  for (const file of ['package.json', 'package-lock.json', 'electron-builder.yml']) cpSync(join(ROOT, file), join(project, file));
  cpSync(join(ROOT, 'build'), join(project, 'build'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(project, 'dist'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'junction');
  const indexHtml = join(project, 'dist', 'renderer', 'index.html');
  if (!existsSync(indexHtml) && placeholderRenderer) {
    console.log('package-smoke: dist/renderer is not built; using a placeholder index.html in the temp copy');
    mkdirSync(dirname(indexHtml), { recursive: true });
    writeFileSync(indexHtml, '<!doctype html><title>NPY Studio (placeholder)</title>\n');
  }
  return project;
}

/** electron-builder copies an unpacked Electron folder as is; a stub executable is all `--linux dir` needs. */
function stubElectronDist(work) {
  const dist = join(work, 'electron-dist');
  mkdirSync(dist);
  writeFileSync(join(dist, 'electron'), '#!/bin/sh\necho "stub Electron used by the packaging smoke check" >&2\nexit 1\n');
  chmodSync(join(dist, 'electron'), 0o755);
  return dist;
}

function runElectronBuilder(project, electronDist, output) {
  const cli = join(dirname(require.resolve('electron-builder/package.json')), 'cli.js');
  const args = [
    '--linux',
    'dir',
    '--publish',
    'never',
    `-c.electronDist=${electronDist}`,
    `-c.directories.output=${output}`,
    '-c.npmRebuild=false',
  ];
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: project,
    encoding: 'utf8',
    env: {
      ...process.env,
      ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
      CSC_IDENTITY_AUTO_DISCOVERY: 'false',
      ELECTRON_BUILDER_CACHE: join(output, '..', 'cache'),
      // Anything that still tried to download would fail at once instead of reaching the network.
      HTTP_PROXY: 'http://127.0.0.1:9',
      HTTPS_PROXY: 'http://127.0.0.1:9',
    },
    timeout: 300_000,
  });
  if (result.status !== 0)
    throw new Error(`electron-builder failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}\n${result.stderr}`);
}

function checkAsar(archive) {
  const entries = new Set(asar.listPackage(archive, { isPack: false }).map((entry) => entry.replaceAll('\\', '/').replace(/^\//, '')));
  const problems = REQUIRED_FILES.filter((file) => !entries.has(file)).map((file) => `missing ${file}`);

  const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8'));
  const main = posix.normalize(pkg.main ?? 'index.js');
  if (!entries.has(main)) problems.push(`package.json "main" (${pkg.main}) is not a file in app.asar`);
  for (const name of Object.keys(pkg.dependencies ?? {})) {
    if (!entries.has(`node_modules/${name}/package.json`)) problems.push(`production dependency ${name} is missing`);
  }
  for (const name of EXCLUDED_MODULES) {
    if (entries.has(`node_modules/${name}/package.json`)) problems.push(`development package ${name} was packaged`);
  }
  return { problems, entries: entries.size, main };
}

function smokeCheck() {
  if (!existsSync(join(ROOT, 'dist', 'main', 'main.js'))) throw new Error('dist/ is not built: run `npm run build` first');
  const work = mkdtempSync(join(tmpdir(), 'npy-package-smoke-'));
  try {
    const project = stageProject(work, process.argv.includes('--placeholder-renderer'));
    const output = join(work, 'release');
    runElectronBuilder(project, stubElectronDist(work), output);
    const appDir = join(output, 'linux-unpacked');
    const archive = join(appDir, 'resources', 'app.asar');
    if (!existsSync(archive)) throw new Error(`no app.asar at ${archive}`);
    if (!existsSync(join(appDir, 'npy-studio'))) throw new Error('the executable was not named npy-studio');
    const { problems, entries, main } = checkAsar(archive);
    if (problems.length > 0) throw new Error(`app.asar is wrong:\n  ${problems.join('\n  ')}`);
    return `app.asar has ${entries} entries including ${REQUIRED_FILES.join(', ')}; "main" is ${main}`;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const started = performance.now();
try {
  const summary = smokeCheck();
  console.log(`package-smoke: ok in ${((performance.now() - started) / 1000).toFixed(1)}s: ${summary}`);
} catch (err) {
  console.error(`package-smoke: ${err.message}`);
  process.exitCode = 1;
}
