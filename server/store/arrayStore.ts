import { randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArrayInfo } from '../../common/protocol.js';
import { type NpyArray, checkDataLength, decodeNpy } from '../../common/npy/codec.js';
import { NpyError } from '../../common/npy/errors.js';
import { MAX_HEADER_SIZE, type NpyHeader, parseNpyHeader } from '../../common/npy/header.js';
import { looksLikeZip, readNpzMembers } from './npz.js';
import type { Logger } from '../logger.js';
import { BatchedWriter } from './batchedWriter.js';
import { DataDirLock } from './dataDirLock.js';

/**
 * Arrays persisted as `arrays/<index>.npy` (the uploaded bytes, unchanged) beside
 * `arrays/<index>.json` (name, creation time). The JSON is renamed into place last, so its
 * presence marks a complete upload; every write goes to `tmp/` first and is fsynced before rename.
 */
export interface StoreOptions {
  readonly logger: Logger;
  readonly maxHeaderBytes?: number;
  /** Most bytes the members of one `.npz` upload may inflate to (default 2 GiB). */
  readonly maxExpandedBytes?: number;
}

/** A staged `.npz` upload: the file as uploaded and each member staged as an array. */
export interface StagedGroup {
  readonly tempPath: string;
  readonly name: string;
  readonly bytes: number;
  readonly members: StagedUpload[];
}

/** Arrays that belong together: the members of one `.npz` upload, or one recording's arrays. */
export interface GroupInfo {
  readonly group: string;
  readonly name: string;
  readonly created: string;
  /** The uploaded `.npz` is kept as is; a recording's group is zipped from its arrays on demand. */
  readonly hasFile: boolean;
}

/** An upload written to a temp file and validated, not yet visible. */
export interface StagedUpload {
  readonly tempPath: string;
  readonly name: string;
  readonly header: NpyHeader;
  readonly bytes: number;
}

interface ArrayRecord {
  readonly info: ArrayInfo;
  readonly header: NpyHeader;
}

interface MetaFile {
  index: number;
  name: string;
  created: string;
  group?: string;
}

const INDEX_FILE = /^(\d+)\.json$/;

export class ArrayStore {
  private readonly records = new Map<number, ArrayRecord>();
  private nextIndex = 0;
  private commitQueue: Promise<void> = Promise.resolve();
  private readonly arraysDir: string;
  private readonly groupsDir: string;
  private readonly groups = new Map<string, GroupInfo>();
  private readonly tempDir: string;
  private readonly maxHeaderBytes: number;

  private constructor(
    readonly dataDir: string,
    private readonly options: StoreOptions,
    private readonly lock: DataDirLock,
  ) {
    this.arraysDir = join(dataDir, 'arrays');
    this.groupsDir = join(dataDir, 'groups');
    this.tempDir = join(dataDir, 'tmp');
    this.maxHeaderBytes = options.maxHeaderBytes ?? MAX_HEADER_SIZE;
  }

  /** Opens (creating if needed) the store in `dataDir`, lists what survived, and clears leftovers of interrupted writes. */
  static async open(dataDir: string, options: StoreOptions): Promise<ArrayStore> {
    await mkdir(dataDir, { recursive: true });
    const lock = await DataDirLock.acquire(dataDir);
    const store = new ArrayStore(dataDir, options, lock);
    try {
      await store.loadExisting();
    } catch (err) {
      await lock.release();
      throw err;
    }
    return store;
  }

  /** Releases the data directory for another server. */
  async close(): Promise<void> {
    await this.commitQueue;
    await this.lock.release();
  }

  private async loadExisting(): Promise<void> {
    await rm(this.tempDir, { recursive: true, force: true });
    await mkdir(this.tempDir, { recursive: true });
    await mkdir(this.arraysDir, { recursive: true });
    await mkdir(this.groupsDir, { recursive: true });
    for (const file of await readdir(this.groupsDir)) {
      const group = file.endsWith('.json') ? await readJson<GroupInfo>(join(this.groupsDir, file)) : undefined;
      if (group && typeof group.group === 'string') this.groups.set(group.group, group);
    }
    const state = await readJson<{ nextIndex?: number }>(join(this.dataDir, 'state.json'));
    let next = Number.isSafeInteger(state?.nextIndex) ? state!.nextIndex! : 0;
    const files = await readdir(this.arraysDir);
    for (const file of files) {
      const match = INDEX_FILE.exec(file);
      if (!match) continue;
      const index = Number(match[1]);
      next = Math.max(next, index + 1);
      try {
        this.records.set(index, await this.readRecord(index));
      } catch (err) {
        this.options.logger.warn(`skipping stored array ${index}: ${(err as Error).message}`);
      }
    }
    // An .npy without its .json was renamed in but never acknowledged: drop it.
    for (const file of files) {
      const match = /^(\d+)\.npy$/.exec(file);
      if (match && !files.includes(`${match[1]}.json`)) await rm(join(this.arraysDir, file), { force: true });
    }
    this.nextIndex = next;
  }

  private async readRecord(index: number): Promise<ArrayRecord> {
    const meta = await readJson<MetaFile>(this.metaPath(index));
    if (!meta || meta.index !== index || typeof meta.name !== 'string') throw new Error('metadata is unreadable');
    const path = this.npyPath(index);
    const { size } = await stat(path);
    const handle = await open(path, 'r');
    let header: NpyHeader;
    try {
      const prefix = new Uint8Array(Math.min(size, this.maxHeaderBytes + 12));
      await handle.read(prefix, 0, prefix.length, 0);
      header = parseNpyHeader(prefix, this.maxHeaderBytes);
    } finally {
      await handle.close();
    }
    checkDataLength(header, size - header.dataOffset);
    return { header, info: describe(index, meta.name, meta.created, header, size, meta.group) };
  }

  list(): ArrayInfo[] {
    return [...this.records.values()].map((r) => r.info).sort((a, b) => a.index - b.index);
  }

  get count(): number {
    return this.records.size;
  }

  info(index: number): ArrayInfo | undefined {
    return this.records.get(index)?.info;
  }

  /** A fresh path in the staging area, for files the server writes itself (recording exports). */
  tempPath(extension = '.npy'): string {
    return join(this.tempDir, `${randomUUID()}${extension}`);
  }

  /**
   * Streams an upload into a temp file: a `.npy` is checked as it arrives (header as soon as it is complete, length at
   * the end); an `.npz` is checked member by member once complete, each member staged as its own `.npy`.
   * Anything else is refused with a reason a user understands. On any error the temp files are removed.
   */
  async stageUpload(chunks: AsyncIterable<Uint8Array>, name: string): Promise<StagedUpload | StagedGroup> {
    let kind: 'npy' | 'npz' | undefined;
    const staged = await this.stage(chunks, name, (prefix, ended) => {
      if (prefix.length < 4 && !ended) return undefined;
      kind = prefix[0] === 0x93 ? 'npy' : looksLikeZip(prefix) ? 'npz' : undefined;
      if (!kind) throw new NpyError(notNumpyMessage(prefix));
      return kind === 'npy';
    });
    if (kind === 'npy') return staged;
    const members: StagedUpload[] = [];
    try {
      const limits = { maxExpandedBytes: this.options.maxExpandedBytes ?? 2 * 1024 ** 3, maxMembers: 4096 };
      await readNpzMembers(staged.tempPath, limits, async (memberChunks, key) => {
        try {
          members.push(await this.stage(memberChunks, key));
        } catch (err) {
          if (err instanceof NpyError && !err.message.startsWith('Invalid npz file'))
            throw new NpyError(`member ${JSON.stringify(key)}: ${err.message}`, err.code);
          throw err;
        }
      });
      return { tempPath: staged.tempPath, name, bytes: staged.bytes, members };
    } catch (err) {
      await Promise.all([staged.tempPath, ...members.map((m) => m.tempPath)].map((path) => rm(path, { force: true })));
      throw err;
    }
  }

  /**
   * Streams `chunks` into a temp file while checking the header as soon as it has arrived and the
   * length at the end (when `isNpy` says so of the first bytes; by default always). On any error the temp file is
   * removed and the source is still read to its end, so the caller's request is drained. Memory use is one chunk plus the header.
   */
  async stage(
    chunks: AsyncIterable<Uint8Array>,
    name: string,
    isNpy: (prefix: Uint8Array, ended: boolean) => boolean | undefined = () => true,
  ): Promise<StagedUpload> {
    const tempPath = this.tempPath();
    const handle = await open(tempPath, 'wx');
    const writer = new BatchedWriter(handle);
    let header: NpyHeader | undefined;
    let npy: boolean | undefined;
    let prefix: Uint8Array = new Uint8Array(0);
    let bytes = 0;
    let failure: unknown;
    try {
      for await (const chunk of chunks) {
        if (failure) continue;
        try {
          bytes += chunk.length;
          if (npy === undefined || (npy && !header)) {
            prefix = concat(prefix, chunk);
            npy ??= isNpy(prefix, false);
            if (npy) header = tryParseHeader(prefix, this.maxHeaderBytes);
          }
          await writer.write(chunk);
        } catch (err) {
          failure = err;
        }
      }
      if (!failure) {
        await writer.finish();
        npy ??= isNpy(prefix, true);
        if (npy) {
          if (!header) header = parseNpyHeader(prefix, this.maxHeaderBytes); // throws the precise reason
          checkDataLength(header, bytes - header.dataOffset);
        }
        await handle.sync();
      }
    } catch (err) {
      failure ??= err;
    } finally {
      await handle.close();
    }
    if (failure) {
      await rm(tempPath, { force: true });
      throw failure;
    }
    return { tempPath, name, header: header!, bytes };
  }

  /** Makes a staged upload visible under the next index; after this resolves it survives a crash. */
  commit(staged: StagedUpload, group?: string): Promise<ArrayInfo> {
    // One commit at a time, so state.json's nextIndex only ever grows.
    const result = this.commitQueue.then(() => this.commitNow(staged, group));
    this.commitQueue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private async commitNow(staged: StagedUpload, group?: string): Promise<ArrayInfo> {
    const index = this.nextIndex++;
    const created = new Date().toISOString();
    const metaTemp = join(this.tempDir, `${randomUUID()}.json`);
    try {
      await writeDurably(join(this.dataDir, 'state.json'), JSON.stringify({ nextIndex: this.nextIndex }), this.tempDir);
      const meta: MetaFile = { index, name: staged.name, created, ...(group === undefined ? {} : { group }) };
      await writeFile(metaTemp, JSON.stringify(meta), { flush: true });
      await rename(staged.tempPath, this.npyPath(index));
      await rename(metaTemp, this.metaPath(index));
      await syncDir(this.arraysDir);
    } catch (err) {
      // e.g. a full disk: leave no trace, so the store stays as it was.
      await Promise.all([staged.tempPath, metaTemp, this.npyPath(index), this.metaPath(index)].map((p) => rm(p, { force: true })));
      throw err;
    }
    const info = describe(index, staged.name, created, staged.header, staged.bytes, group);
    this.records.set(index, { info, header: staged.header });
    return info;
  }

  async discard(staged: StagedUpload | StagedGroup): Promise<void> {
    const paths = [staged.tempPath, ...('members' in staged ? staged.members.map((m) => m.tempPath) : [])];
    await Promise.all(paths.map((path) => rm(path, { force: true })));
  }

  /**
   * Makes a group visible: its record (and, for an `.npz` upload, the file as uploaded) first, then each member as
   * a stored array tagged with the group. Returns the members' infos in order.
   */
  async commitGroup(group: string, name: string, members: readonly StagedUpload[], file?: string): Promise<ArrayInfo[]> {
    const info: GroupInfo = { group, name, created: new Date().toISOString(), hasFile: file !== undefined };
    if (file !== undefined) {
      await rename(file, this.groupFilePath(group));
    }
    await writeDurably(join(this.groupsDir, `${group}.json`), JSON.stringify(info), this.tempDir);
    await syncDir(this.groupsDir);
    this.groups.set(group, info);
    const out: ArrayInfo[] = [];
    for (const member of members) out.push(await this.commit(member, group));
    return out;
  }

  /** Writes a small file (recording metadata) so that after a crash it is either the old or the new text. */
  async writeFileDurably(path: string, text: string): Promise<void> {
    await writeDurably(path, text, this.tempDir);
  }

  group(group: string): GroupInfo | undefined {
    return this.groups.get(group);
  }

  /** The stored arrays of a group, in index order. */
  groupArrays(group: string): ArrayInfo[] {
    return this.list().filter((info) => info.group === group);
  }

  /** The exact `.npz` as uploaded, for groups that have one. */
  openGroupFile(group: string): ReadStream | undefined {
    return this.groups.get(group)?.hasFile ? createReadStream(this.groupFilePath(group)) : undefined;
  }

  /** The stored `.npy` file's path, for zipping a group. */
  npyFile(index: number): string | undefined {
    return this.records.has(index) ? this.npyPath(index) : undefined;
  }

  private groupFilePath(group: string): string {
    return join(this.groupsDir, `${group}.npz`);
  }

  /** The stored file's exact bytes, as a stream. */
  openNpy(index: number): ReadStream | undefined {
    return this.records.has(index) ? createReadStream(this.npyPath(index)) : undefined;
  }

  async read(index: number): Promise<NpyArray | undefined> {
    if (!this.records.has(index)) return undefined;
    const bytes = await readFile(this.npyPath(index));
    return decodeNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), this.maxHeaderBytes);
  }

  /**
   * Runs `use` with the stored file open for positioned reads. A delete meanwhile does not cut the
   * read short: the open file stays readable until closed.
   */
  async withFile<T>(index: number, use: (handle: FileHandle, header: NpyHeader) => Promise<T>): Promise<T | undefined> {
    const record = this.records.get(index);
    if (!record) return undefined;
    const handle = await open(this.npyPath(index), 'r');
    try {
      return await use(handle, record.header);
    } finally {
      await handle.close();
    }
  }

  async delete(index: number): Promise<boolean> {
    if (!this.records.delete(index)) return false;
    // Metadata first: without it the array is no longer listed even if the .npy removal is interrupted.
    await rm(this.metaPath(index), { force: true });
    await rm(this.npyPath(index), { force: true });
    return true;
  }

  private npyPath(index: number): string {
    return join(this.arraysDir, `${index}.npy`);
  }

  private metaPath(index: number): string {
    return join(this.arraysDir, `${index}.json`);
  }
}

function describe(index: number, name: string, created: string, header: NpyHeader, bytes: number, group?: string): ArrayInfo {
  return { index, name, shape: [...header.shape], dtype: header.dtype.str, bytes, created, ...(group === undefined ? {} : { group }) };
}

/** Why the first bytes of an upload are neither `.npy` nor `.npz`, in words a user can act on. */
function notNumpyMessage(prefix: Uint8Array): string {
  const sample = prefix.subarray(0, 512);
  const text = sample.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b !== 127));
  if (text && sample.length > 0) {
    return (
      'this is a text file (CSV or similar), not a NumPy file; upload a .npy or .npz written by NumPy, ' +
      "e.g. np.save('data.npy', np.loadtxt('data.csv', delimiter=','))"
    );
  }
  return 'not a .npy or .npz file: bad magic string (expected \\x93NUMPY, or a zip archive for .npz)';
}

function tryParseHeader(prefix: Uint8Array, maxHeaderBytes: number): NpyHeader | undefined {
  try {
    return parseNpyHeader(prefix, maxHeaderBytes);
  } catch (err) {
    if (err instanceof NpyError && err.code === 'incomplete') return undefined;
    throw err;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function writeDurably(path: string, text: string, tempDir: string): Promise<void> {
  const temp = join(tempDir, `${randomUUID()}.tmp`);
  try {
    await writeFile(temp, text, { flush: true });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
