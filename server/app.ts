import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import express from 'express';
import { type Server as SocketServer, WebSocketServer } from 'ws';
import { DEMO_CHANNEL } from '../common/protocol.js';
import { type AccessPolicy, resolveAccess } from './access.js';
import { arrayRoutes } from './http/arrayRoutes.js';
import { corsPolicy } from './http/cors.js';
import { closeIdleConnections, guardRequests, guardUpgrade, oneLine, rejectUpgrade } from './http/boundary.js';
import { type GuardPolicy, accessGuard, refusal, securityHeaders } from './http/guard.js';
import { hostAllowlist } from './http/hostAllowlist.js';
import { errorHandler, notFound } from './http/errors.js';
import { publishRoutes } from './http/publishRoutes.js';
import { streamRoutes } from './http/streamRoutes.js';
import { uiRoutes } from './http/uiRoutes.js';
import { type ServerOptions, withDefaults } from './options.js';
import { ArrayStore } from './store/arrayStore.js';
import { CHANNEL_NAME, CHANNEL_NAME_RULE, ChannelLimitError, StreamHub } from './stream/hub.js';
import { GuardedWebSocket } from './stream/guardedSocket.js';
import { startHeartbeat } from './stream/heartbeat.js';
import { parseRequestTarget } from './net/safeUrl.js';
import { servePublisher } from './stream/publishSocket.js';
import { serveSubscriber } from './stream/streamSocket.js';
import { VERSION } from './version.js';

export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  readonly port: number;
  readonly store: ArrayStore;
  readonly hub: StreamHub;
  /** The token clients must present, when one is required. */
  readonly token?: string;
  /** `url` with the token in the query, for opening the UI in a browser. */
  readonly browserUrl: string;
  close(): Promise<void>;
}

export function guardPolicy(options: ServerOptions, access: AccessPolicy): GuardPolicy {
  return { access, allowedOrigins: options.allowedOrigins, hostAllowed: hostAllowlist(options.host, options.allowedHosts) };
}

export function createApp(store: ArrayStore, hub: StreamHub, options: ServerOptions, access: AccessPolicy): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.use(corsPolicy(options.allowedOrigins));
  app.use(accessGuard(guardPolicy(options, access)));
  app.use(streamRoutes(hub, store, VERSION));
  app.use(publishRoutes(hub, options.maxMessageBytes));
  app.use(arrayRoutes(store, options));
  if (options.rendererDir) app.use(uiRoutes(options.rendererDir, options.logger));
  app.use(notFound());
  app.use(errorHandler(options.logger, options.maxUploadBytes));
  return app;
}

/** Opens the store, then serves HTTP and WebSockets until `close()`. */
export async function startServer(partial: Partial<ServerOptions>): Promise<RunningServer> {
  const options = withDefaults(partial);
  const store = await ArrayStore.open(options.dataDir, { logger: options.logger, maxHeaderBytes: options.maxHeaderBytes });
  const hub = new StreamHub({
    rate: options.streamRate,
    pointsPerPacket: options.pointsPerPacket,
    repeat: options.repeat,
    now: options.now,
    maxChannels: options.maxChannels,
    maxPublishRate: options.maxPublishRate,
  });
  const access = resolveAccess({ host: options.host, token: options.token, noAuth: options.noAuth });
  if (access.warning) options.logger.warn(access.warning);
  // No total request timeout: an upload may take as long as it needs while it keeps moving.
  const app = createApp(store, hub, options, access.policy);
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
    token,
    browserUrl: token ? `${url}/?token=${encodeURIComponent(token)}` : `${url}/`,
    close: async () => {
      stopHeartbeat();
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

function routeUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, { sockets, hub, options, policy }: UpgradeContext): void {
  const url = parseRequestTarget(req.url);
  if (!url) return rejectUpgrade(socket, 400, 'malformed request target');
  if (url.pathname !== '/ws/stream' && url.pathname !== '/ws/publish') return rejectUpgrade(socket, 404, 'Not Found');
  const problem = refusal(req, policy);
  if (problem) return rejectUpgrade(socket, problem.status, problem.detail);
  if (sockets.clients.size >= options.maxConnections) {
    return rejectUpgrade(socket, 503, `too many WebSocket connections (limit ${options.maxConnections}); try again later`);
  }
  if (url.pathname === '/ws/publish') {
    // Accepted even when refused, so the producer can read why in an error message.
    return sockets.handleUpgrade(req, socket, head, (ws) => {
      sockets.emit('connection', ws, req);
      ws.guard(() => servePublisher(ws, hub, url.searchParams.get('channel')));
    });
  }
  const channel = url.searchParams.get('channel') ?? DEMO_CHANNEL;
  if (!CHANNEL_NAME.test(channel)) return rejectUpgrade(socket, 400, CHANNEL_NAME_RULE);
  try {
    hub.channel(channel);
  } catch (err) {
    if (err instanceof ChannelLimitError) return rejectUpgrade(socket, 429, err.message);
    throw err;
  }
  sockets.handleUpgrade(req, socket, head, (ws) => {
    sockets.emit('connection', ws, req);
    ws.guard(() => serveSubscriber(ws, hub, channel, options.maxBufferedBytes));
  });
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
