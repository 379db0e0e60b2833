import { pipeline } from 'node:stream/promises';
import { type Request, Router, type Response } from 'express';
import multer from 'multer';
import {
  NPY_MEDIA_TYPE,
  type ArrayInfo,
  type ArrayListResponse,
  type ArrayStatsResponse,
  type DeleteResponse,
  type UploadResponse,
} from '../../common/protocol.js';
import { encodeNpy } from '../../common/npy/codec.js';
import { dtypeFromName } from '../../common/npy/dtype.js';
import type { NpyHeader } from '../../common/npy/header.js';
import { jsonDataChunks } from '../../common/npy/json.js';
import { OVERVIEW_STATS, OverviewAccumulator } from '../../common/npy/overview.js';
import { IntegerOffset, StatsAccumulator } from '../../common/stats.js';
import { readSliceBytes, scanSliceValues } from '../store/sliceReader.js';
import { binsFromQuery, partFromQuery, sliceFromQuery } from './sliceQuery.js';
import type { ArrayStore } from '../store/arrayStore.js';
import { sendArrayJson } from './arrayJson.js';
import { HttpError, methodNotAllowed, missingFileField, parseIndexParam } from './errors.js';
import { withMultipartErrors } from './multipart.js';
import { StagingStorage, stagedUpload } from './uploadStorage.js';
import { newGroupId } from '../store/groups.js';

export interface ArrayRouteOptions {
  readonly maxUploadBytes: number;
  /** Largest stored file `GET /array/{i}` renders as JSON; bigger ones must be fetched as `.npy`. */
  readonly maxJsonBytes: number;
  /** Largest result `GET /array/{i}?slice=` builds (it is assembled in memory). */
  readonly maxSliceBytes: number;
}

export function arrayRoutes(store: ArrayStore, options: ArrayRouteOptions): Router {
  const router = Router();
  const upload = withMultipartErrors(
    multer({
      storage: new StagingStorage(store),
      // File names arrive as raw UTF-8 (browsers, undici, requests, httpx); multer's default reads them as latin-1.
      defParamCharset: 'utf8',
      limits: { fileSize: options.maxUploadBytes, files: 1, fields: 16, fieldSize: 64 * 1024, parts: 32, headerPairs: 64 },
    }).single('file'),
  );

  router
    .route('/upload')
    .post(upload, async (req, res) => {
      const staged = stagedUpload(req.file);
      if (!staged) throw missingFileField();
      if (!('members' in staged)) {
        const info = await store.commit(staged);
        res.json({ status: 'success', ...info } satisfies UploadResponse);
        return;
      }
      const group = newGroupId('npz');
      const infos = await store.commitGroup(group, staged.name, staged.members, staged.tempPath);
      const arrays = infos.map(({ index, name, shape, dtype }) => ({ index, name, shape, dtype }));
      res.json({ status: 'success', ...infos[0]!, arrays, group } satisfies UploadResponse);
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
      const format = formatOf(req);
      if (req.query.slice !== undefined) return sendSlice(store, info, req, res, format, options);
      if (format === 'npy') return sendNpy(store, info, res);
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

  router
    .route('/array/:index/overview')
    .get(async (req, res) => {
      const info = requireArray(store, req.params.index);
      const format = formatOf(req);
      const result = await store.withFile(info.index, async (handle, header) => {
        const plan = sliceFromQuery(req, header);
        const part = partFromQuery(req, header);
        const bins = binsFromQuery(req, plan.shape);
        const overview = new OverviewAccumulator(plan.shape, bins);
        await scanSliceValues(handle, header, plan, part ?? 'abs', overview.visit);
        return { plan, part, bins, values: overview.result() };
      });
      if (!result) throw new HttpError(404, 'Array not found');
      const shape = [OVERVIEW_STATS.length, ...result.bins];
      const data = new Uint8Array(result.values.buffer);
      if (format === 'npy')
        return sendNpyBytes(res, `${info.index}-overview.npy`, encodeNpy({ dtype: dtypeFromName('float64'), shape, data }));
      const head = { index: info.index, shape: [...result.plan.shape], bins: result.bins, stats: OVERVIEW_STATS, part: result.part };
      await sendJsonData(res, head, { shape, fortranOrder: false, dtype: dtypeFromName('float64'), count: result.values.length }, data);
    })
    .all(methodNotAllowed);

  router
    .route('/array/:index/stats')
    .get(async (req, res) => {
      const info = requireArray(store, req.params.index);
      const result = await store.withFile(info.index, async (handle, header) => {
        const plan = sliceFromQuery(req, header);
        const part = partFromQuery(req, header);
        const stats = new StatsAccumulator();
        const integers = new IntegerOffset();
        await scanSliceValues(handle, header, plan, part ?? 'abs', (values, count) => stats.add(values, 0, count), integers);
        return {
          index: info.index,
          shape: [...plan.shape],
          dtype: header.dtype.str,
          part,
          ...integers.shiftStats(stats.result()),
        } satisfies ArrayStatsResponse;
      });
      if (!result) throw new HttpError(404, 'Array not found');
      res.json(result);
    })
    .all(methodNotAllowed);

  return router;
}

/** `?format=` or, without it, the Accept header; JSON unless `.npy` is asked for. */
function formatOf(req: Request): 'npy' | 'json' {
  const format = req.query.format ?? (req.accepts(['application/json', NPY_MEDIA_TYPE]) === NPY_MEDIA_TYPE ? 'npy' : 'json');
  if (format !== 'npy' && format !== 'json') {
    throw HttpError.validation({ type: 'enum', loc: ['query', 'format'], msg: "Input should be 'json' or 'npy'", input: format });
  }
  return format;
}

/** `GET /array/{i}?slice=…`: exactly NumPy's `a[…]`, read from disk with positioned reads, in C order and the stored dtype. */
async function sendSlice(
  store: ArrayStore,
  info: ArrayInfo,
  req: Request,
  res: Response,
  format: 'npy' | 'json',
  options: ArrayRouteOptions,
) {
  const result = await store.withFile(info.index, async (handle, header) => {
    const plan = sliceFromQuery(req, header);
    const bytes = plan.count * header.dtype.itemsize;
    if (bytes > options.maxSliceBytes) {
      throw new HttpError(
        413,
        `slice selects ${bytes} bytes, over the ${options.maxSliceBytes}-byte limit; take a step (e.g. ::10) or a smaller range, or use /array/${info.index}/overview`,
      );
    }
    return { plan, dtype: header.dtype, data: await readSliceBytes(handle, header, plan) };
  });
  if (!result) throw new HttpError(404, 'Array not found');
  const { plan, dtype, data } = result;
  if (format === 'npy') return sendNpyBytes(res, `${info.index}-slice.npy`, encodeNpy({ dtype, shape: plan.shape, data }));
  const head = { index: info.index, name: info.name, shape: [...plan.shape], dtype: info.dtype };
  await sendJsonData(res, head, { shape: plan.shape, fortranOrder: false, dtype, count: plan.count }, data);
}

function sendNpyBytes(res: Response, fileName: string, npy: Uint8Array): void {
  res.attachment(fileName);
  res.type(NPY_MEDIA_TYPE);
  res.end(npy);
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

/** Streams `head` with `"data"` (the values as nested lists) added, in pieces, waiting for the socket to drain between them. */
async function sendJsonData(
  res: Response,
  head: object,
  header: Pick<NpyHeader, 'shape' | 'fortranOrder' | 'dtype' | 'count'>,
  data: Uint8Array,
): Promise<void> {
  const chunks = jsonDataChunks({ ...header, dataBytes: data.length, version: 1, dataOffset: 0 }, data);
  const first = chunks.next(); // may throw before anything is sent, so it still becomes a clean error reply
  res.type('application/json');
  res.write(`${JSON.stringify(head).slice(0, -1)},"data":`);
  for (let chunk = first; !chunk.done; chunk = chunks.next()) {
    if (!res.write(chunk.value)) await drained(res);
  }
  res.end('}');
}

/** Resolves when `res` takes more; rejects as a client that went away if it closes first (else this would wait forever). */
function drained(res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      res.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      res.off('drain', onDrain);
      reject(Object.assign(new Error('the client closed the connection'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    };
    res.once('drain', onDrain).once('close', onClose);
  });
}
