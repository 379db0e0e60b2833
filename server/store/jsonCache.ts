import { randomUUID } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BatchedWriter } from './batchedWriter.js';

/**
 * Bumped whenever the rendered JSON could differ, so a newer server never serves an older
 * rendering (nor answers 304 to an ETag that described one).
 */
const RENDERING = 'v1';
const ENTRY = new RegExp(`^(\\d+)\\.${RENDERING}\\.json$`);

/** A cached body on disk. */
export interface CachedJson {
  readonly path: string;
  readonly bytes: number;
}

/**
 * Stored arrays never change, so each one's JSON is rendered once and kept as `json/<index>.v1.json`.
 * An entry is written to the store's temp directory, fsynced and renamed into place, so after a
 * crash an entry is either whole or absent (the temp directory is cleared when the store opens).
 */
export class JsonCache {
  private readonly writing = new Map<number, CacheEntryWriter>();

  private constructor(
    private readonly dir: string,
    private readonly tempDir: string,
    /** Whether the array is still stored: an entry finished after its array was deleted is dropped. */
    private readonly stored: (index: number) => boolean,
  ) {}

  /** Opens the cache in `dataDir/json`, removing entries of arrays no longer stored and of older renderings. */
  static async open(dataDir: string, tempDir: string, stored: (index: number) => boolean): Promise<JsonCache> {
    const dir = join(dataDir, 'json');
    await mkdir(dir, { recursive: true });
    for (const file of await readdir(dir)) {
      const match = ENTRY.exec(file);
      if (!match || !stored(Number(match[1]))) await rm(join(dir, file), { recursive: true, force: true });
    }
    return new JsonCache(dir, tempDir, stored);
  }

  /** Where the entry of `index` lives, whether or not it exists. */
  entryPath(index: number): string {
    return join(this.dir, `${index}.${RENDERING}.json`);
  }

  /** The cached JSON of `index`, if it has been rendered. */
  async lookup(index: number): Promise<CachedJson | undefined> {
    const path = this.entryPath(index);
    try {
      return { path, bytes: (await stat(path)).size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /**
   * Starts writing the entry of `index`; undefined when another request is already writing it
   * (that request's rendering will be the cached one).
   */
  async begin(index: number): Promise<CacheEntryWriter | undefined> {
    if (this.writing.has(index)) return undefined;
    const tempPath = join(this.tempDir, `${randomUUID()}.json-cache`);
    const release = () => {
      if (this.writing.get(index) === writer) this.writing.delete(index);
    };
    const writer = new CacheEntryWriter(tempPath, this.entryPath(index), () => this.stored(index), release);
    this.writing.set(index, writer);
    try {
      await writer.open();
    } catch (err) {
      release();
      throw err;
    }
    return writer;
  }

  /**
   * Removes the entry of `index`. One still being rendered is cancelled; one being committed is
   * waited for, so it cannot land after this.
   */
  async remove(index: number): Promise<void> {
    const writer = this.writing.get(index);
    writer?.cancel();
    await writer?.committed;
    await rm(this.entryPath(index), { force: true });
  }

  /** Waits for entries being committed (their replies have been sent already). */
  async idle(): Promise<void> {
    await Promise.all([...this.writing.values()].map((writer) => writer.committed));
  }
}

/** One entry being written: chunks in order, then `commit()` (durable, atomic) or `abort()`. */
export class CacheEntryWriter {
  private handle?: FileHandle;
  private writer?: BatchedWriter;
  private cancelled = false;
  /** Set once commit() has started: settles when the entry is in place or given up. */
  committed?: Promise<void>;

  constructor(
    private readonly tempPath: string,
    private readonly target: string,
    /** Whether the array is still stored. */
    private readonly stillStored: () => boolean,
    private readonly release: () => void,
  ) {}

  async open(): Promise<void> {
    this.handle = await open(this.tempPath, 'wx');
    this.writer = new BatchedWriter(this.handle);
  }

  /** The array was deleted: the entry will not be made visible. */
  cancel(): void {
    this.cancelled = true;
  }

  /** Resolves when the caller may write more (at most two batches are held). */
  write(chunk: Uint8Array): Promise<void> {
    return this.writer!.write(chunk);
  }

  /** Makes the entry visible once it is on disk; a failure only means a later request renders again. */
  commit(): Promise<void> {
    this.committed ??= this.commitNow();
    return this.committed;
  }

  private async commitNow(): Promise<void> {
    try {
      await this.writer!.finish();
      await this.handle!.sync();
      await this.handle!.close();
      this.handle = undefined;
      if (this.cancelled || !this.stillStored()) return await this.abort();
      await rename(this.tempPath, this.target);
      this.release();
    } catch {
      await this.abort();
    }
  }

  /** Gives the entry up: the temp file goes, nothing becomes visible. */
  async abort(): Promise<void> {
    await this.handle?.close().catch(() => {});
    this.handle = undefined;
    await rm(this.tempPath, { force: true });
    this.release();
  }
}
