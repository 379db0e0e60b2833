import { type NpyArray, decodeNpy } from '../common/npy/codec.js';
import type { DTypeName } from '../common/npy/dtype.js';
import { OVERVIEW_STATS } from '../common/npy/overview.js';
import type { ComplexPart } from '../common/npy/pieces.js';
import { type NumericArray, toTypedArray, typedArrayToNpy } from '../common/npy/typed.js';
import {
  DEMO_CHANNEL,
  NPY_MEDIA_TYPE,
  type ArrayDataResponse,
  type ArrayInfo,
  type ArrayListResponse,
  type ArrayStatsResponse,
  type ControlResponse,
  type DeleteResponse,
  type HealthResponse,
  type PublishResponse,
  type RecordingInfo,
  type ReplayInfo,
  type StartRecordingRequest,
  type StartReplayRequest,
  type StreamListResponse,
  type UploadResponse,
} from '../common/protocol.js';
import * as v from 'valibot';
import { RecordingInfoSchema, RecordingListResponseSchema, ReplayInfoSchema, StreamListResponseSchema } from '../common/schemas.js';
import { type StreamsFeedOptions, StreamsFeed } from './streamsFeed.js';
import { errorFromResponse } from './errors.js';
import { type PublishOptions, Publisher } from './publish.js';
import type { WebSocketFactory } from './socket.js';
import { StreamSubscription, type StreamOptions } from './stream.js';
import { type ProgressListener, type UploadSource, bodyWithProgress, readWithProgress, send, uploadMultipart } from './transfer.js';

export interface ClientOptions {
  /** Server base URL, e.g. `http://127.0.0.1:8000`. */
  baseUrl: string;
  /** Access token, sent as `Authorization: Bearer` (and as `token` on WebSocket URLs, which cannot carry headers in browsers). */
  token?: string;
  fetch?: typeof fetch;
  /** How to open a WebSocket; defaults to the global WebSocket (browsers, Node ≥ 22). */
  webSocket?: WebSocketFactory;
}

/** A downloaded array: exact values in C order (complex interleaved), its header, and the `.npy` bytes. */
export interface DownloadedArray extends NpyArray {
  readonly values: NumericArray;
  readonly npy: Uint8Array;
}

export interface OverviewRequest {
  /** NumPy slice of the stored array to decimate; the whole array when absent. */
  slice?: string;
  /** Bins per axis of the slice, or one count with `axis`. */
  bins: number[];
  axis?: number;
  /** For complex arrays: which real number of each element (abs by default). */
  part?: ComplexPart;
}

/** Per bin, in C order over the bins: min and max (NaN ignored, ±Inf kept), mean of the finite values, NaN count. */
export interface Overview {
  readonly bins: number[];
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly mean: Float64Array;
  readonly nan: Float64Array;
}

export interface TypedUpload {
  values: NumericArray;
  shape?: number[];
  /** Interpret `values` as another dtype of the same width: `bool`, `complex64`, `complex128`. */
  dtype?: DTypeName;
  name?: string;
}

/** The NPY Studio HTTP and WebSocket API, for Node and browsers alike. */
export class NpyClient {
  readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  health(): Promise<HealthResponse> {
    return this.json('GET', '/health');
  }

  async listArrays(): Promise<ArrayInfo[]> {
    return (await this.json<ArrayListResponse>('GET', '/arrays')).arrays;
  }

  /** Uploads `.npy` bytes or a file (browser File, or Blob from Node's `fs.openAsBlob`). */
  uploadFile(source: UploadSource, onProgress?: ProgressListener): Promise<UploadResponse> {
    return uploadMultipart(this.url('/upload'), source, this.headers(), this.fetchImpl, onProgress) as Promise<UploadResponse>;
  }

  /** Uploads typed-array values as a C-order little-endian `.npy`. */
  uploadArray(array: TypedUpload, onProgress?: ProgressListener): Promise<UploadResponse> {
    const npy = typedArrayToNpy(array.values, array.shape, array.dtype);
    return this.uploadFile({ body: npy, name: array.name ?? 'array.npy' }, onProgress);
  }

  /** The stored file's exact bytes. */
  async downloadNpy(index: number, onProgress?: ProgressListener): Promise<Uint8Array> {
    return readWithProgress(await this.requestNpy(index), onProgress);
  }

  /** The stored file's exact bytes as a stream, to save a large array without holding it in memory. */
  async openNpy(index: number, onProgress?: ProgressListener): Promise<ReadableStream<Uint8Array>> {
    return bodyWithProgress(await this.requestNpy(index), onProgress);
  }

  /** An array with exact values, fetched as `.npy` (no JSON, no precision loss). */
  async getArray(index: number, onProgress?: ProgressListener): Promise<DownloadedArray> {
    const npy = await this.downloadNpy(index, onProgress);
    const array = decodeNpy(npy);
    return { ...array, values: toTypedArray(array), npy };
  }

  /**
   * NumPy's `a[slice]` of a stored array, e.g. `0:100, ::2, 5` or `..., -1`, cut out by the server
   * from disk: only the selected elements travel. Exact values, C order, the stored dtype.
   */
  async getSlice(index: number, slice: string, signal?: AbortSignal): Promise<DownloadedArray> {
    const response = await this.request(`/array/${index}`, { slice, format: 'npy' }, NPY_MEDIA_TYPE, signal);
    const npy = new Uint8Array(await response.arrayBuffer());
    const array = decodeNpy(npy);
    return { ...array, values: toTypedArray(array), npy };
  }

  /**
   * Min/max decimation of `a[slice]` computed on the server: `bins` per axis of the slice (or with
   * `axis`, one count for that axis only). Each statistic has the shape of the bins, in C order.
   */
  async getOverview(index: number, request: OverviewRequest, signal?: AbortSignal): Promise<Overview> {
    const query: Record<string, string> = { format: 'npy', bins: request.bins.join(','), slice: request.slice ?? '' };
    if (request.axis !== undefined) query.axis = String(request.axis);
    if (request.part) query.part = request.part;
    const response = await this.request(`/array/${index}/overview`, query, NPY_MEDIA_TYPE, signal);
    const array = decodeNpy(new Uint8Array(await response.arrayBuffer()));
    const values = toTypedArray(array) as Float64Array;
    const bins = array.header.shape.slice(1);
    const cells = bins.reduce((a, b) => a * b, 1);
    const [min, max, mean, nan] = OVERVIEW_STATS.map((_, k) => values.subarray(k * cells, (k + 1) * cells)) as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    return { bins, min, max, mean, nan };
  }

  /** Statistics of `a[slice]` (the whole array by default) computed on the server; see common/stats.ts. */
  async getStats(index: number, options: { slice?: string; part?: ComplexPart } = {}, signal?: AbortSignal): Promise<ArrayStatsResponse> {
    const query: Record<string, string> = {};
    if (options.slice) query.slice = options.slice;
    if (options.part) query.part = options.part;
    return (await this.request(`/array/${index}/stats`, query, 'application/json', signal)).json() as Promise<ArrayStatsResponse>;
  }

  /** The seed's JSON form of an array (`data` as nested lists). */
  getArrayJson(index: number): Promise<ArrayDataResponse> {
    return this.json('GET', `/array/${index}`);
  }

  deleteArray(index: number): Promise<DeleteResponse> {
    return this.json('DELETE', `/array/${index}`);
  }

  startDemo(): Promise<ControlResponse> {
    return this.json('POST', '/control/start');
  }

  stopDemo(): Promise<ControlResponse> {
    return this.json('POST', '/control/stop');
  }

  async listStreams(): Promise<StreamListResponse['streams']> {
    return (await this.json('GET', '/streams', undefined, StreamListResponseSchema)).streams;
  }

  /** The channel list, pushed on connect and whenever it changes (`/ws/streams`), reconnecting until closed. */
  watchStreams(options: StreamsFeedOptions): StreamsFeed {
    return new StreamsFeed(this.wsUrl('/ws/streams'), this.webSocketFactory(), options);
  }

  /** Starts recording channels into stored arrays; `lookback: true` includes their recent history. */
  startRecording(request: StartRecordingRequest): Promise<RecordingInfo> {
    return this.json('POST', '/recordings', request, RecordingInfoSchema);
  }

  /** Stops a recording; the answer lists its stored arrays. */
  stopRecording(id: string): Promise<RecordingInfo> {
    return this.json('POST', `/recordings/${encodeURIComponent(id)}/stop`, undefined, RecordingInfoSchema);
  }

  async listRecordings(): Promise<RecordingInfo[]> {
    return (await this.json('GET', '/recordings', undefined, RecordingListResponseSchema)).recordings;
  }

  getRecording(id: string): Promise<RecordingInfo> {
    return this.json('GET', `/recordings/${encodeURIComponent(id)}`, undefined, RecordingInfoSchema);
  }

  /** A finished recording as one `.npz` (keys `{channel}/y`, `/x`, `/t`, `/seq`), as a stream to save. */
  async openRecordingNpz(id: string, onProgress?: ProgressListener): Promise<ReadableStream<Uint8Array>> {
    return bodyWithProgress(await this.requestBytes(`/recordings/${encodeURIComponent(id)}?format=npz`), onProgress);
  }

  /** A finished recording's `.npz` bytes. */
  async downloadRecording(id: string, onProgress?: ProgressListener): Promise<Uint8Array> {
    return readWithProgress(await this.requestBytes(`/recordings/${encodeURIComponent(id)}?format=npz`), onProgress);
  }

  /** Plays a finished recording into `<channel_prefix><channel>` channels. */
  startReplay(request: StartReplayRequest): Promise<ReplayInfo> {
    return this.json('POST', '/replay', request, ReplayInfoSchema);
  }

  getReplay(id: string): Promise<ReplayInfo> {
    return this.json('GET', `/replay/${encodeURIComponent(id)}`, undefined, ReplayInfoSchema);
  }

  stopReplay(id: string): Promise<ReplayInfo> {
    return this.json('DELETE', `/replay/${encodeURIComponent(id)}`, undefined, ReplayInfoSchema);
  }

  /** Publishes over WebSocket to `channel`; await `ready()` on the result before sending. */
  publish(channel: string, options?: PublishOptions): Publisher {
    return new Publisher(this.wsUrl('/ws/publish', new URLSearchParams({ channel })), this.webSocketFactory(), channel, options);
  }

  /** Publishes one packet over HTTP (`POST /stream/{channel}`), for low-rate producers. */
  async postPacket(channel: string, values: NumericArray, shape?: number[]): Promise<PublishResponse> {
    const response = await send(this.fetchImpl, this.url(`/stream/${encodeURIComponent(channel)}`), {
      method: 'POST',
      headers: { ...this.headers(), accept: 'application/json', 'content-type': NPY_MEDIA_TYPE },
      body: typedArrayToNpy(values, shape) as Uint8Array<ArrayBuffer>,
    });
    if (!response.ok) throw await errorFromResponse(response);
    return (await response.json()) as PublishResponse;
  }

  /** Subscribes to a channel (the demo by default), reconnecting until closed. */
  stream(options: StreamOptions = {}): StreamSubscription {
    const channel = options.channel ?? DEMO_CHANNEL;
    const query = new URLSearchParams();
    if (channel !== DEMO_CHANNEL) query.set('channel', channel);
    if (options.lookback) {
      // History is sent on connect, before any command could choose the format.
      query.set('lookback', String(options.lookback));
      if (options.binary !== false) query.set('binary', '1');
    }
    return new StreamSubscription(this.wsUrl('/ws/stream', query), this.webSocketFactory(), options);
  }

  /** `ws://…` for a path, carrying the token as a query parameter when there is one. */
  wsUrl(path: string, query = new URLSearchParams()): string {
    if (this.options.token) query.set('token', this.options.token);
    const search = query.size ? `?${query}` : '';
    return `${this.baseUrl.replace(/^http/, 'ws')}${path}${search}`;
  }

  protected webSocketFactory(): WebSocketFactory {
    if (this.options.webSocket) return this.options.webSocket;
    const Native = (globalThis as { WebSocket?: new (url: string) => unknown }).WebSocket;
    if (!Native) throw new Error('no WebSocket implementation: pass `webSocket` (e.g. the ws package) in ClientOptions');
    return (url) => new Native(url) as ReturnType<WebSocketFactory>;
  }

  private requestNpy(index: number): Promise<Response> {
    return this.requestBytes(`/array/${index}?format=npy`, NPY_MEDIA_TYPE);
  }

  private async requestBytes(path: string, accept = '*/*'): Promise<Response> {
    const response = await send(this.fetchImpl, this.url(path), { headers: { ...this.headers(), accept } });
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }

  private async request(path: string, query: Record<string, string>, accept: string, signal?: AbortSignal): Promise<Response> {
    const search = new URLSearchParams(query);
    const url = this.url(search.size ? `${path}?${search}` : path);
    const response = await send(this.fetchImpl, url, { headers: { ...this.headers(), accept }, signal });
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }

  private url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  private headers(): Record<string, string> {
    return this.options.token ? { authorization: `Bearer ${this.options.token}` } : {};
  }

  /** A JSON request; the answer is checked against `schema` when given (the envelope only). */
  private async json<T>(method: string, path: string, body?: unknown, schema?: v.GenericSchema<unknown, T>): Promise<T> {
    const headers: Record<string, string> = { ...this.headers(), accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await send(this.fetchImpl, this.url(path), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw await errorFromResponse(response);
    const answer: unknown = await response.json();
    if (!schema) return answer as T;
    const parsed = v.safeParse(schema, answer);
    if (!parsed.success) throw new Error(`unexpected answer from ${path}: ${v.summarize(parsed.issues)}`);
    return parsed.output;
  }
}
