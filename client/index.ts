export { NpyClient, type ClientOptions, type DownloadedArray, type TypedUpload } from './npyClient.js';
export { StreamSubscription, type StreamData, type StreamOptions } from './stream.js';
export { StreamsFeed, type StreamsFeedOptions } from './streamsFeed.js';
export { Publisher, type PublishOptions, type PublishPacket } from './publish.js';
export type { ConnectionListener, ConnectionState, WebSocketFactory, WebSocketLike } from './socket.js';
export { ApiError, ConnectionError } from './errors.js';
export type { Progress, ProgressListener, UploadSource } from './transfer.js';
export type { NumericArray } from '../common/npy/typed.js';
