import type { Request } from 'express';
import type multer from 'multer';
import type { ArrayStore, StagedGroup, StagedUpload } from '../store/arrayStore.js';

/** Shown names are kept printable and short; they are never used as paths. */
export function displayName(original: string | undefined): string {
  const cleaned = (original ?? '')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is stripped
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 255);
  return cleaned || 'array.npy';
}

type StagedFile = Express.Multer.File & { staged?: StagedUpload | StagedGroup };

/**
 * A multer storage engine that streams each uploaded file into the store's staging area,
 * validating it on the way; the route commits it once multer has accepted the whole request.
 */
export class StagingStorage implements multer.StorageEngine {
  constructor(private readonly store: ArrayStore) {}

  _handleFile(_req: Request, file: Express.Multer.File, callback: (error?: unknown, info?: Partial<StagedFile>) => void): void {
    this.store.stageUpload(file.stream, displayName(file.originalname)).then(
      (staged) => callback(null, { staged, size: staged.bytes }),
      (error: unknown) => callback(error),
    );
  }

  _removeFile(_req: Request, file: StagedFile, callback: (error: Error | null) => void): void {
    if (!file.staged) return callback(null);
    this.store.discard(file.staged).then(
      () => callback(null),
      (error: Error) => callback(error),
    );
  }
}

export function stagedUpload(file: Express.Multer.File | undefined): StagedUpload | StagedGroup | undefined {
  return (file as StagedFile | undefined)?.staged;
}
