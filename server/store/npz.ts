/**
 * Reads an uploaded `.npz` (a zip of `.npy` members, as np.savez and np.savez_compressed write it, zip64 included)
 * with yauzl, which reads the central directory, handles zip64 and checks each member's actual size against
 * its declared one while inflating. Every member goes through the same strict `.npy` staging as a plain upload.
 * Zip bombs are refused by their declared total size before anything is inflated, and by their actual size while inflating.
 */
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { NpyError } from '../../common/npy/errors.js';

export interface NpzLimits {
  /** Most bytes all members may hold once inflated. */
  readonly maxExpandedBytes: number;
  /** Most members. */
  readonly maxMembers: number;
}

/** Opens the zip at `path` and hands each member's inflated stream, in order, to `stageMember`. */
export async function readNpzMembers<T>(
  path: string,
  limits: NpzLimits,
  stageMember: (chunks: AsyncIterable<Uint8Array>, key: string) => Promise<T>,
): Promise<T[]> {
  const zip = await openZip(path);
  try {
    const entries = await listEntries(zip, limits);
    const staged: T[] = [];
    for (const entry of entries) {
      const stream = await openEntry(zip, entry);
      staged.push(await stageMember(memberChunks(stream, entry), entry.fileName.slice(0, -'.npy'.length)));
    }
    return staged;
  } finally {
    zip.close();
  }
}

function invalid(message: string): NpyError {
  return new NpyError(`Invalid npz file: ${message}`);
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true }, (err, zip) =>
      err ? reject(invalid(err.message)) : resolve(zip),
    ),
  );
}

function listEntries(zip: yauzl.ZipFile, limits: NpzLimits): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    const names = new Set<string>();
    let declared = 0;
    const fail = (message: string) => reject(invalid(message));
    zip.on('error', (err: Error) => fail(err.message));
    zip.on('end', () => (entries.length === 0 ? fail('the archive holds no arrays') : resolve(entries)));
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName;
      if (name.endsWith('/')) return fail(`member ${JSON.stringify(name)} is a folder; an .npz holds only .npy files`);
      if (!name.endsWith('.npy')) return fail(`member ${JSON.stringify(name)} is not a .npy file`);
      if (names.has(name)) return fail(`member ${JSON.stringify(name)} appears twice`);
      if (entry.isEncrypted()) return fail(`member ${JSON.stringify(name)} is encrypted`);
      if (entries.length >= limits.maxMembers) return fail(`more than ${limits.maxMembers} members`);
      declared += entry.uncompressedSize;
      if (declared > limits.maxExpandedBytes)
        return fail(`its members would inflate to more than ${limits.maxExpandedBytes} bytes (the limit); refused as a possible zip bomb`);
      names.add(name);
      entries.push(entry);
      zip.readEntry();
    });
    zip.readEntry();
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(invalid(`member ${JSON.stringify(entry.fileName)}: ${err.message}`));
      // yauzl emits a member's error (inflate's, a size mismatch) without destroying the stream, so a reader that starts
      // iterating after it would wait forever: destroy it with the error, which the iterator then throws. Later errors
      // (a corrupt member can report a second one) are heard here too; unheard, they would crash the server.
      stream.on('error', (err) => {
        if (!stream.destroyed) stream.destroy(err);
      });
      resolve(stream);
    }),
  );
}

/**
 * A member's bytes; yauzl's stream errors (longer or shorter than declared, corrupt deflate data) become NpyErrors, and
 * so does a CRC-32 other than the archive's (yauzl does not check it; NumPy's reader refuses such a member).
 */
async function* memberChunks(stream: Readable, entry: yauzl.Entry): AsyncGenerator<Uint8Array> {
  const name = JSON.stringify(entry.fileName);
  let crc = 0;
  try {
    for await (const chunk of stream) {
      crc = crc32(chunk as Uint8Array, crc);
      yield chunk as Uint8Array;
    }
  } catch (err) {
    if (err instanceof NpyError) throw err;
    throw invalid(`member ${name}: ${(err as Error).message}`);
  }
  if (crc !== entry.crc32) throw invalid(`member ${name} is corrupt: its CRC-32 is not the one the archive records`);
}

/** Whether these first bytes start a zip file (local file header, or the end record of an empty zip). */
export function looksLikeZip(prefix: Uint8Array): boolean {
  return prefix[0] === 0x50 && prefix[1] === 0x4b && (prefix[2] === 3 || prefix[2] === 5);
}
