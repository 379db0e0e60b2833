export { NpyClient, type ClientOptions, type DownloadedArray, type TypedUpload } from './npyClient.js';
export { StreamSubscription, type StreamData, type StreamOptions, type ConnectionState, type WebSocketFactory, type WebSocketLike } from './stream.js';
export { ApiError, ConnectionError } from './errors.js';
export type { Progress, ProgressListener, UploadSource } from './transfer.js';
export type { NumericArray } from '../common/npy/typed.js';
