export { NpyClient, type ClientOptions, type DownloadedArray, type Overview, type OverviewRequest, type TypedUpload } from './npyClient.js';
export { StreamSubscription, type StreamData, type StreamOptions } from './stream.js';
export { Publisher, type PublishOptions, type PublishPacket } from './publish.js';
export type { ConnectionListener, ConnectionState, WebSocketFactory, WebSocketLike } from './socket.js';
export { ApiError, ConnectionError } from './errors.js';
export type { Progress, ProgressListener, UploadSource } from './transfer.js';
export type { NumericArray } from '../common/npy/typed.js';
export type { ComplexPart } from '../common/npy/pieces.js';
export type { ValueStats } from '../common/stats.js';
