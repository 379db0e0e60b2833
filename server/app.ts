import { type IncomingMessage, STATUS_CODES, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import express from 'express';
import { WebSocketServer } from 'ws';
import { DEMO_CHANNEL } from '../common/protocol.js';
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
import { CHANNEL_NAME, CHANNEL_NAME_RULE, ChannelLimitError, StreamHub } from './stream/hub.js';
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
  /** The token clients must present, when one is required. */
  readonly token?: string;
  /** `url` with the token in the query, for opening the UI in a browser. */
  readonly browserUrl: string;
  close(): Promise<void>;
}

export function createApp(store: ArrayStore, hub: StreamHub, options: ServerOptions, access: AccessPolicy): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.use(corsPolicy(options.allowedOrigins));
  app.use(accessGuard(access, options.allowedOrigins));
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
  const server = createServer({ maxHeaderSize: 16 * 1024 }, createApp(store, hub, options, access.policy));
  const sockets = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });
  // A client's protocol violation (oversized or malformed frame) closes its socket; unlistened, the error would crash the server.
  sockets.on('connection', (ws) => ws.on('error', (err) => options.logger.warn(`WebSocket client error: ${err.message}`)));
  const stopHeartbeat = startHeartbeat(sockets, options.heartbeatMs, options.repeat);
  server.on('upgrade', (req, socket, head) => routeUpgrade(req, socket, head, { sockets, hub, options, access: access.policy }));

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

interface UpgradeContext {
  readonly sockets: WebSocketServer;
  readonly hub: StreamHub;
  readonly options: ServerOptions;
  readonly access: AccessPolicy;
}

function routeUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, { sockets, hub, options, access }: UpgradeContext): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/ws/stream' && url.pathname !== '/ws/publish') return rejectUpgrade(socket, 404, 'Not Found');
  const problem = refusal(req, access, options.allowedOrigins);
  if (problem) return rejectUpgrade(socket, problem.status, problem.detail);
  if (sockets.clients.size >= options.maxConnections) {
    return rejectUpgrade(socket, 503, `too many WebSocket connections (limit ${options.maxConnections}); try again later`);
  }
  if (url.pathname === '/ws/publish') {
    // Accepted even when refused, so the producer can read why in an error message.
    return sockets.handleUpgrade(req, socket, head, (ws) => {
      sockets.emit('connection', ws, req);
      servePublisher(ws, hub, url.searchParams.get('channel'));
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
    serveSubscriber(ws, hub, channel, options.maxBufferedBytes);
  });
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
