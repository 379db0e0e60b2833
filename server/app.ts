import { type IncomingMessage, STATUS_CODES, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import express from 'express';
import { type WebSocket, WebSocketServer } from 'ws';
import { DEMO_CHANNEL, type ServerMessage } from '../common/protocol.js';
import { type AccessPolicy, resolveAccess } from './access.js';
import { arrayRoutes } from './http/arrayRoutes.js';
import { corsPolicy } from './http/cors.js';
import { accessGuard, refusal, securityHeaders } from './http/guard.js';
import { errorHandler, notFound } from './http/errors.js';
import { publishRoutes } from './http/publishRoutes.js';
import { streamRoutes } from './http/streamRoutes.js';
import { uiRoutes } from './http/uiRoutes.js';
import { type ServerOptions, withDefaults } from './options.js';
import { ArrayStore } from './store/arrayStore.js';
import { DomainError, closeCodeOf } from './http/domainErrors.js';
import { recordingRoutes } from './http/recordingRoutes.js';
import { RecordingManager } from './record/recordings.js';
import { ReplayManager } from './record/replay.js';
import { StreamHub, checkChannelName } from './stream/hub.js';
import { serveStreamsFeed } from './stream/streamsFeed.js';
import { startHeartbeat } from './stream/heartbeat.js';
import { servePublisher } from './stream/publishSocket.js';
import { serveSubscriber } from './stream/streamSocket.js';
import { VERSION } from './version.js';

export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  readonly port: number;
  readonly store: ArrayStore;
  readonly hub: StreamHub;
  readonly recordings: RecordingManager;
  readonly replays: ReplayManager;
  /** The token clients must present, when one is required. */
  readonly token?: string;
  /** `url` with the token in the query, for opening the UI in a browser. */
  readonly browserUrl: string;
  close(): Promise<void>;
}

export interface Services {
  readonly store: ArrayStore;
  readonly hub: StreamHub;
  readonly recordings: RecordingManager;
  readonly replays: ReplayManager;
}

export function createApp({ store, hub, recordings, replays }: Services, options: ServerOptions, access: AccessPolicy): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.use(corsPolicy(options.allowedOrigins));
  app.use(accessGuard(access, options.allowedOrigins));
  app.use(streamRoutes(hub, store, VERSION));
  app.use(publishRoutes(hub, options.maxMessageBytes));
  app.use(arrayRoutes(store, options));
  app.use(recordingRoutes(store, recordings, replays));
  if (options.rendererDir) app.use(uiRoutes(options.rendererDir, options.logger));
  app.use(notFound());
  app.use(errorHandler(options.logger, options.maxUploadBytes));
  return app;
}

/** Opens the store, then serves HTTP and WebSockets until `close()`. */
export async function startServer(partial: Partial<ServerOptions>): Promise<RunningServer> {
  const options = withDefaults(partial);
  const store = await ArrayStore.open(options.dataDir, {
    logger: options.logger,
    maxHeaderBytes: options.maxHeaderBytes,
    maxExpandedBytes: options.maxUploadBytes,
  });
  const hub = new StreamHub({
    rate: options.streamRate,
    pointsPerPacket: options.pointsPerPacket,
    repeat: options.repeat,
    now: options.now,
    maxChannels: options.maxChannels,
    maxPublishRate: options.maxPublishRate,
    lookback: options.lookback,
  });
  let recordings: RecordingManager;
  try {
    recordings = await RecordingManager.open(options.dataDir, store, hub, options.logger);
  } catch (err) {
    await store.close();
    throw err;
  }
  const replays = new ReplayManager(hub, recordings, options.logger);
  const services: Services = { store, hub, recordings, replays };
  const access = resolveAccess({ host: options.host, token: options.token, noAuth: options.noAuth });
  if (access.warning) options.logger.warn(access.warning);
  const server = createServer({ maxHeaderSize: 16 * 1024 }, createApp(services, options, access.policy));
  const sockets = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });
  // A client's protocol violation (oversized or malformed frame) closes its socket; unlistened, the error would crash the server.
  sockets.on('connection', (ws) => ws.on('error', (err) => options.logger.warn(`WebSocket client error: ${err.message}`)));
  const stopHeartbeat = startHeartbeat(sockets, options.heartbeatMs, options.repeat);
  server.on('upgrade', (req, socket, head) => routeUpgrade(req, socket, head, { sockets, hub, options, access: access.policy }));

  try {
    await listen(server, options.port, options.host);
  } catch (err) {
    stopHeartbeat();
    replays.close();
    await recordings.close();
    hub.close();
    await store.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  const { token } = access.policy;
  return {
    url,
    port,
    store,
    hub,
    recordings,
    replays,
    token,
    browserUrl: token ? `${url}/?token=${encodeURIComponent(token)}` : `${url}/`,
    close: async () => {
      stopHeartbeat();
      replays.close();
      await recordings.close();
      hub.close();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

interface UpgradeContext {
  readonly sockets: WebSocketServer;
  readonly hub: StreamHub;
  readonly options: ServerOptions;
  readonly access: AccessPolicy;
}

const SOCKET_PATHS = new Set(['/ws/stream', '/ws/publish', '/ws/streams']);

function routeUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, { sockets, hub, options, access }: UpgradeContext): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (!SOCKET_PATHS.has(url.pathname)) return rejectUpgrade(socket, 404, 'Not Found');
  const problem = refusal(req, access, options.allowedOrigins);
  if (problem) return rejectUpgrade(socket, problem.status, problem.detail);
  if (sockets.clients.size >= options.maxConnections) {
    return rejectUpgrade(socket, 503, `too many WebSocket connections (limit ${options.maxConnections}); try again later`);
  }
  const accept = (serve: (ws: WebSocket) => void) =>
    sockets.handleUpgrade(req, socket, head, (ws) => {
      sockets.emit('connection', ws, req);
      serve(ws);
    });
  if (url.pathname === '/ws/streams') return accept((ws) => serveStreamsFeed(ws, hub));
  // Accepted even when refused, so the producer can read why in an error message.
  if (url.pathname === '/ws/publish') return accept((ws) => servePublisher(ws, hub, url.searchParams.get('channel')));
  const lookback = Number(url.searchParams.get('lookback') ?? 0);
  if (!(lookback >= 0 && Number.isFinite(lookback))) return rejectUpgrade(socket, 400, 'lookback must be a number of seconds, 0 or more');
  const binary = ['1', 'true'].includes(url.searchParams.get('binary') ?? '');
  let channel: string;
  try {
    channel = checkChannelName(url.searchParams.get('channel') ?? DEMO_CHANNEL);
    hub.channel(channel);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    // A refused subscriber is accepted to be told why (browsers cannot read a refused upgrade's body), then closed:
    // 1008 (policy: do not retry) for a bad name, 1013 (try again later) at the channel limit.
    return accept((ws) => {
      ws.send(JSON.stringify({ type: 'error', detail: err.message } satisfies ServerMessage));
      ws.close(closeCodeOf(err), 'subscribe refused');
    });
  }
  accept((ws) => serveSubscriber(ws, hub, channel, { maxBufferedBytes: options.maxBufferedBytes, lookback, binary }));
}

/** Answers a refused upgrade with a plain HTTP error carrying the usual `{"detail"}` body. */
export function rejectUpgrade(socket: Duplex, status: number, detail: string): void {
  const body = JSON.stringify({ detail });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
