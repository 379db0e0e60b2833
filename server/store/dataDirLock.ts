import { open, readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';

/** Data directories this process holds, since a pid check cannot tell us apart from ourselves. */
const heldHere = new Set<string>();

export class DataDirInUseError extends Error {}

/**
 * One server per data directory: two would clear each other's staged uploads and race on indexes.
 * The lock file names the holder's pid; a lock whose process is gone (kill -9, a container restart)
 * is taken over.
 */
export class DataDirLock {
  private constructor(
    private readonly path: string,
    private readonly dir: string,
  ) {}

  static async acquire(dataDir: string): Promise<DataDirLock> {
    const dir = resolve(dataDir);
    const path = `${dir}/.lock`;
    if (heldHere.has(dir)) throw new DataDirInUseError(`data directory ${dir} is already in use by this process`);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(path, 'wx');
        await handle.writeFile(String(process.pid));
        await handle.close();
        heldHere.add(dir);
        return new DataDirLock(path, dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = Number(await readFile(path, 'utf8').catch(() => ''));
      if (holder !== process.pid && isAlive(holder)) {
        throw new DataDirInUseError(
          `data directory ${dir} is in use by another NPY Studio server (pid ${holder}); stop it or pick another --data-dir`,
        );
      }
      await rm(path, { force: true });
    }
    throw new DataDirInUseError(`could not lock data directory ${dir}`);
  }

  async release(): Promise<void> {
    heldHere.delete(this.dir);
    await rm(this.path, { force: true });
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
