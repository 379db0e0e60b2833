import { ConnectionError, errorFromResponse } from './errors.js';

/** Bytes moved so far and the total when known. */
export interface Progress {
  loaded: number;
  total?: number;
}
export type ProgressListener = (progress: Progress) => void;

export interface UploadSource {
  /** The file's bytes: a Blob (browser File, or Node's fs.openAsBlob) or an in-memory array. */
  readonly body: Blob | Uint8Array;
  readonly name: string;
}

interface XhrLike {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: FormData): void;
  upload: { onprogress: ((e: { loaded: number; total: number }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  status: number;
  responseText: string;
}

/**
 * POSTs `source` as the multipart field `file`. Browsers report upload progress only through
 * XMLHttpRequest; elsewhere fetch streams the body and progress is counted as it is read.
 */
export async function uploadMultipart(
  url: string,
  source: UploadSource,
  headers: Record<string, string>,
  fetchImpl: typeof fetch,
  onProgress?: ProgressListener,
): Promise<unknown> {
  const blob = source.body instanceof Uint8Array ? new Blob([source.body as Uint8Array<ArrayBuffer>]) : source.body;
  const XHR = (globalThis as { XMLHttpRequest?: new () => XhrLike }).XMLHttpRequest;
  if (XHR && onProgress) return uploadWithXhr(XHR, url, blob, source.name, headers, onProgress);
  const form = new FormData();
  form.append('file', blob, source.name);
  let body: RequestInit['body'] = form;
  const init: RequestInit & { duplex?: 'half' } = { method: 'POST', headers };
  if (onProgress) {
    // Serialise the form once to learn its length and content type, then stream it with counting.
    const request = new Request(url, { method: 'POST', body: form });
    const total = blob.size;
    headers = { ...headers, 'content-type': request.headers.get('content-type')! };
    body = countBytes(request.body!, (loaded) => onProgress({ loaded: Math.min(loaded, total), total }));
    init.headers = headers;
    init.duplex = 'half';
  }
  init.body = body;
  const response = await send(fetchImpl, url, init);
  if (!response.ok) throw await errorFromResponse(response);
  return response.json();
}

function countBytes(stream: ReadableStream<Uint8Array>, report: (loaded: number) => void): ReadableStream<Uint8Array> {
  let loaded = 0;
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        loaded += chunk.length;
        report(loaded);
        controller.enqueue(chunk);
      },
    }),
  );
}

function uploadWithXhr(
  XHR: new () => XhrLike,
  url: string,
  blob: Blob,
  name: string,
  headers: Record<string, string>,
  onProgress: ProgressListener,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XHR();
    xhr.open('POST', url);
    for (const [key, value] of Object.entries(headers)) xhr.setRequestHeader(key, value);
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.total || blob.size });
    xhr.onerror = () => reject(new ConnectionError(url, new Error('network error')));
    xhr.onload = () => {
      const response = new Response(xhr.responseText, { status: xhr.status });
      if (response.ok) resolve(response.json());
      else errorFromResponse(response).then(reject, reject);
    };
    const form = new FormData();
    form.append('file', blob, name);
    xhr.send(form);
  });
}

/** A response body that reports progress against Content-Length as it is read. */
export function bodyWithProgress(response: Response, onProgress?: ProgressListener): ReadableStream<Uint8Array> {
  const body = response.body ?? new Blob([]).stream();
  if (!onProgress) return body;
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : undefined;
  return countBytes(body, (loaded) => onProgress({ loaded, total }));
}

/** Reads a response body to the end, reporting progress against Content-Length. */
export async function readWithProgress(response: Response, onProgress?: ProgressListener): Promise<Uint8Array> {
  if (!onProgress) return new Uint8Array(await response.arrayBuffer());
  return new Uint8Array(await new Response(bodyWithProgress(response, onProgress)).arrayBuffer());
}

export async function send(fetchImpl: typeof fetch, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetchImpl(url, init);
  } catch (err) {
    // A request the caller cancelled is not a connection problem.
    if ((err as Error)?.name === 'AbortError') throw err;
    throw new ConnectionError(url, err);
  }
}
