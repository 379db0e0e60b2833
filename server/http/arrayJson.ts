import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { jsonDataChunks } from '../../common/npy/json.js';
import type { ArrayInfo } from '../../common/protocol.js';
import { Utf8BlockWriter } from '../net/utf8Blocks.js';
import type { ArrayStore } from '../store/arrayStore.js';
import { HttpError } from './errors.js';

/**
 * A stored array never changes, so its JSON is identified by the array alone: the index and when it
 * was stored (indexes are never reused in a data directory), and the cache's rendering version.
 */
export function arrayJsonEtag(info: ArrayInfo): string {
  return `"${info.index}-${Date.parse(info.created).toString(36)}-${info.bytes.toString(36)}-v1"`;
}

/**
 * `{"index","name","shape","dtype","data"}` for GET /array/{i}: 304 when the client's If-None-Match
 * still matches, the cached rendering when there is one, else rendered now and cached on the way out.
 */
export async function sendArrayJson(store: ArrayStore, info: ArrayInfo, req: Request, res: Response): Promise<void> {
  res.setHeader('ETag', arrayJsonEtag(info));
  res.setHeader('Cache-Control', 'no-cache'); // browsers may keep it, but ask (If-None-Match) before each use
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  const cached = await store.jsonCache.lookup(info.index);
  if (cached) {
    res.type('application/json');
    res.setHeader('Content-Length', cached.bytes);
    await pipeline(createReadStream(cached.path), res);
    return;
  }
  await renderArrayJson(store, info, res);
}

/**
 * Streams the rendering in 1 MiB blocks, waiting for the socket to drain between them, and writes the
 * same blocks to the cache as well (few large writes: per-piece buffers cost more in allocation and syscalls).
 */
async function renderArrayJson(store: ArrayStore, info: ArrayInfo, res: Response): Promise<void> {
  const array = await store.read(info.index);
  if (!array) throw new HttpError(404, 'Array not found');
  const chunks = jsonDataChunks(array.header, array.data);
  const first = chunks.next(); // may throw before anything is sent, so it still becomes a clean error reply
  const cache = await store.jsonCache.begin(info.index);
  res.type('application/json');
  const head = { index: info.index, name: info.name, shape: info.shape, dtype: info.dtype };
  const pieces = (function* () {
    yield `${JSON.stringify(head).slice(0, -1)},"data":`;
    for (let chunk = first; !chunk.done; chunk = chunks.next()) yield chunk.value;
    yield '}';
  })();
  const send = async (block: Buffer) => {
    res.write(block);
    await cache?.write(block);
    // Checked after the cache write, which may have waited long enough for the socket to drain already.
    if (res.writableNeedDrain && !(await drained(res))) throw new ClientGone();
  };
  try {
    const writer = new Utf8BlockWriter();
    const full: Buffer[] = [];
    for (const piece of pieces) {
      writer.write(piece, full);
      for (const block of full.splice(0)) await send(block);
    }
    await send(writer.end());
  } catch (err) {
    await cache?.abort();
    // A client that went away is the error handler's one-line note, like every aborted download.
    if (err instanceof ClientGone) throw Object.assign(err, { code: 'ERR_STREAM_PREMATURE_CLOSE' });
    throw err;
  }
  res.end();
  void cache?.commit(); // fsync and rename after the reply: the client need not wait for the disk
}

class ClientGone extends Error {
  constructor() {
    super('the client closed the connection');
  }
}

/** Waits for the response to take more: true on 'drain', false when the client has gone. */
function drained(res: Response): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = finish(true);
    const onClose = finish(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}
