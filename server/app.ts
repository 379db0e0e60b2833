import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import express from 'express';
import { type Server as SocketServer, WebSocketServer } from 'ws';
import { DEMO_CHANNEL, type ServerMessage } from '../common/protocol.js';
import { type AccessPolicy, resolveAccess } from './access.js';
import { arrayRoutes } from './http/arrayRoutes.js';
import { corsPolicy } from './http/cors.js';
import { closeIdleConnections, guardRequests, guardUpgrade, oneLine, rejectUpgrade } from './http/boundary.js';
import { type GuardPolicy, accessGuard, refusal, securityHeaders } from './http/guard.js';
import { hostAllowlist } from './http/hostAllowlist.js';
import { errorHandler, notFound } from './http/errors.js';
import { publishRoutes } from './http/publishRoutes.js';
import { precomputedHeaders } from './http/staticHeaders.js';
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
import { GuardedWebSocket } from './stream/guardedSocket.js';
import { startHeartbeat } from './stream/heartbeat.js';
import { requestTarget } from './net/safeUrl.js';
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

export function guardPolicy(options: ServerOptions, access: AccessPolicy): GuardPolicy {
  return { access, allowedOrigins: options.allowedOrigins, hostAllowed: hostAllowlist(options.host, options.allowedHosts) };
}

export function createApp({ store, hub, recordings, replays }: Services, options: ServerOptions, access: AccessPolicy): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false); // hashing every JSON reply cost /health a visible share; array JSON has its own ETag
  app.use(precomputedHeaders(securityHeaders()));
  app.use(corsPolicy(options.allowedOrigins));
  app.use(accessGuard(guardPolicy(options, access)));
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
    recordings = await RecordingManager.open(options.dataDir, store, hub, options.logger, options.repeat);
  } catch (err) {
    await store.close();
    throw err;
  }
  const replays = new ReplayManager(hub, recordings, store, options.logger);
  const services: Services = { store, hub, recordings, replays };
  const access = resolveAccess({ host: options.host, token: options.token, noAuth: options.noAuth });
  if (access.warning) options.logger.warn(access.warning);
  // No total request timeout: an upload may take as long as it needs while it keeps moving.
  const app = createApp(services, options, access.policy);
  const server = createServer({ maxHeaderSize: 16 * 1024, requestTimeout: 0 }, guardRequests(options.logger, app));
  closeIdleConnections(server, options.uploadIdleMs);
  const sockets = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, WebSocket: GuardedWebSocket });
  sockets.on('connection', (ws) => {
    ws.maxQueuedBytes = options.maxBufferedBytes + MAX_REPLY_BACKLOG;
    ws.reportHandlerError = (err) => options.logger.warn(`WebSocket handler failed, peer closed with 1011: ${oneLine(err)}`);
    // A client's protocol violation (oversized or malformed frame) closes its socket; unlistened, the error would crash the server.
    ws.on('error', (err) => options.logger.warn(`WebSocket client error: ${err.message}`));
  });
  const stopHeartbeat = startHeartbeat(sockets, options.heartbeatMs, options.repeat);
  const upgradeContext = { sockets, hub, options, policy: guardPolicy(options, access.policy) };
  server.on(
    'upgrade',
    guardUpgrade(options.logger, (req, socket, head) => routeUpgrade(req, socket, head, upgradeContext)),
  );

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

/** Replies (pongs, errors) a peer may leave unread on top of its data queue before we stop reading from it. */
const MAX_REPLY_BACKLOG = 1024 ** 2;

interface UpgradeContext {
  readonly sockets: SocketServer<typeof GuardedWebSocket>;
  readonly hub: StreamHub;
  readonly options: ServerOptions;
  readonly policy: GuardPolicy;
}

const SOCKET_PATHS = new Set(['/ws/stream', '/ws/publish', '/ws/streams']);

function routeUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, { sockets, hub, options, policy }: UpgradeContext): void {
  const url = requestTarget(req);
  if (!url) return rejectUpgrade(socket, 400, 'malformed request target');
  if (!SOCKET_PATHS.has(url.pathname)) return rejectUpgrade(socket, 404, 'Not Found');
  const problem = refusal(req, policy);
  if (problem) return rejectUpgrade(socket, problem.status, problem.detail);
  if (sockets.clients.size >= options.maxConnections) {
    return rejectUpgrade(socket, 503, `too many WebSocket connections (limit ${options.maxConnections}); try again later`);
  }
  const accept = (serve: (ws: GuardedWebSocket) => void) =>
    sockets.handleUpgrade(req, socket, head, (ws) => {
      sockets.emit('connection', ws, req);
      ws.guard(() => serve(ws));
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

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
