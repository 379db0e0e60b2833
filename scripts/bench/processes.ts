import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const REFERENCE_FILE = 'reference_server.py';

/** A server the bench started in its own process. */
export interface BenchServer {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Where the tutorial's rebuilt server lives: `../shared/reference` beside the repository (for a git
 * worktree, beside its main checkout too), or `BENCH_REFERENCE_DIR`.
 */
export function findReferenceDir(): { dir?: string; tried: string[] } {
  const roots = [ROOT];
  try {
    const common = execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: ROOT, encoding: 'utf8' }).trim();
    roots.push(dirname(common));
  } catch {
    // not a git checkout: only the repository's own parent is tried
  }
  const tried = [
    ...(process.env.BENCH_REFERENCE_DIR ? [resolve(process.env.BENCH_REFERENCE_DIR)] : []),
    ...new Set(roots.map((root) => join(root, '..', 'shared', 'reference'))),
  ];
  return { dir: tried.find((dir) => existsSync(join(dir, REFERENCE_FILE))), tried };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** The tutorial's FastAPI server under uvicorn, as its README starts it. */
export async function startReference(dir: string): Promise<BenchServer> {
  const port = await freePort();
  const child = spawn(
    '/usr/bin/python3',
    ['-m', 'uvicorn', 'reference_server:app', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warning'],
    {
      cwd: dir,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  return waitUntilServing(child, `http://127.0.0.1:${port}`);
}

/** The upload limit: a server that reads each request body and discards it (scripts/bench/discardServer.ts). */
export async function startDiscardServer(): Promise<BenchServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'discardServer.ts'), String(port)], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return waitUntilServing(child, `http://127.0.0.1:${port}`);
}

/** Polls `/health` until the process answers (a bench may wait on time; tests may not). */
async function waitUntilServing(child: ChildProcess, url: string): Promise<BenchServer> {
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const stop = () =>
    new Promise<void>((done) => {
      if (exited !== undefined) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  for (let attempt = 0; attempt < 300; attempt++) {
    if (exited !== undefined) throw new Error(`${url}: the server exited with code ${exited} before answering`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, child, stop };
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  await stop();
  throw new Error(`${url}: no answer on /health after 30 s`);
}
