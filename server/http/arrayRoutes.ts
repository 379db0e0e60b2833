import { pipeline } from 'node:stream/promises';
import { Router, type Response } from 'express';
import multer from 'multer';
import { NPY_MEDIA_TYPE, type ArrayInfo, type ArrayListResponse, type DeleteResponse, type UploadResponse } from '../../common/protocol.js';
import type { ArrayStore } from '../store/arrayStore.js';
import { sendArrayJson } from './arrayJson.js';
import { HttpError, methodNotAllowed, missingFileField, parseIndexParam } from './errors.js';
import { StagingStorage, stagedUpload } from './uploadStorage.js';

export interface ArrayRouteOptions {
  readonly maxUploadBytes: number;
  /** Largest stored file `GET /array/{i}` renders as JSON; bigger ones must be fetched as `.npy`. */
  readonly maxJsonBytes: number;
}

export function arrayRoutes(store: ArrayStore, options: ArrayRouteOptions): Router {
  const router = Router();
  const upload = multer({
    storage: new StagingStorage(store),
    // File names arrive as raw UTF-8 (browsers, undici, requests, httpx); multer's default reads them as latin-1.
    defParamCharset: 'utf8',
    limits: { fileSize: options.maxUploadBytes, files: 1, fields: 16, fieldSize: 64 * 1024, parts: 32, headerPairs: 64 },
  }).single('file');

  router
    .route('/upload')
    .post(upload, async (req, res) => {
      const staged = stagedUpload(req.file);
      if (!staged) throw missingFileField();
      const info = await store.commit(staged);
      res.json({ status: 'success', ...info } satisfies UploadResponse);
    })
    .all(methodNotAllowed);

  router
    .route('/arrays')
    .get((_req, res) => {
      const arrays = store.list();
      res.json({ count: arrays.length, arrays } satisfies ArrayListResponse);
    })
    .all(methodNotAllowed);

  router
    .route('/array/:index')
    .get(async (req, res) => {
      const info = requireArray(store, req.params.index);
      const format = req.query.format ?? (req.accepts(['application/json', NPY_MEDIA_TYPE]) === NPY_MEDIA_TYPE ? 'npy' : 'json');
      if (format === 'npy') return sendNpy(store, info, res);
      if (format !== 'json') {
        throw HttpError.validation({ type: 'enum', loc: ['query', 'format'], msg: "Input should be 'json' or 'npy'", input: format });
      }
      if (info.bytes > options.maxJsonBytes) {
        throw new HttpError(
          413,
          `array ${info.index} is ${info.bytes} bytes, over the ${options.maxJsonBytes}-byte limit for JSON; fetch it with ?format=npy`,
        );
      }
      await sendArrayJson(store, info, req, res);
    })
    .delete(async (req, res) => {
      const info = requireArray(store, req.params.index);
      await store.delete(info.index);
      res.json({ status: 'deleted', index: info.index } satisfies DeleteResponse);
    })
    .all(methodNotAllowed);

  return router;
}

function requireArray(store: ArrayStore, rawIndex: string): ArrayInfo {
  const info = store.info(parseIndexParam(rawIndex));
  if (!info) throw new HttpError(404, 'Array not found');
  return info;
}

async function sendNpy(store: ArrayStore, info: ArrayInfo, res: Response): Promise<void> {
  const source = store.openNpy(info.index);
  if (!source) throw new HttpError(404, 'Array not found');
  // attachment() sets Content-Type from the extension (octet-stream for .npy), so it goes first.
  res.attachment(info.name.toLowerCase().endsWith('.npy') ? info.name : `${info.name}.npy`);
  res.type(NPY_MEDIA_TYPE);
  res.setHeader('Content-Length', info.bytes);
  await pipeline(source, res);
}
