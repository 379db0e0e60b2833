import { join } from 'node:path';
import { existsSync } from 'node:fs';
import envPaths from 'env-paths';
import { APP_ORIGIN } from '../common/desktop.js';
import { type Logger, consoleLogger } from './logger.js';
import { DEFAULT_LOOKBACK, type LookbackLimits } from './stream/history.js';
import type { Now, Repeat } from './schedule.js';

export interface ServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly dataDir: string;
  readonly maxUploadBytes: number;
  readonly maxHeaderBytes: number;
  readonly maxJsonBytes: number;
  /** Largest result of `GET /array/{i}?slice=`, built in memory. */
  readonly maxSliceBytes: number;
  /** Demo packets per second. */
  readonly streamRate: number;

  readonly pointsPerPacket: number;
  readonly maxChannels: number;
  /** Largest WebSocket message a client may send. */
  readonly maxMessageBytes: number;
  /** Bytes queued for a subscriber beyond which its packets are dropped. */
  readonly maxBufferedBytes: number;
  /** Required of every client when set; see server/access.ts for when one is generated. */
  readonly token?: string;
  /** Explicitly serve a non-loopback address without a token. */
  readonly noAuth: boolean;
  /** Most WebSocket connections (subscribers and publishers) at once. */
  readonly maxConnections: number;
  /** Most packets per second one channel's producers may publish, together. */
  readonly maxPublishRate: number;
  /** How often WebSocket peers are pinged; one that has not answered the previous ping is closed. */
  readonly heartbeatMs: number;
  /** Host names besides loopback, IP literals and the bound address that a server without a token answers to. */
  readonly allowedHosts: readonly string[];
  /** An HTTP connection with no bytes moving either way for this long is closed (uploads have no total time limit). */
  readonly uploadIdleMs: number;
  /** Origins besides the server's own that browsers may call it from (CORS). */
  readonly allowedOrigins: readonly string[];
  /** How much recent history each channel keeps for late subscribers and recordings. */
  readonly lookback: LookbackLimits;
  /** The built renderer, served at `/` when present. */
  readonly rendererDir?: string;
  readonly logger: Logger;
  /** What runs the demo and the heartbeat: timers, unless a test steps them by hand. */
  readonly repeat?: Repeat;
  /** The clock of rate limits and channel rates. */
  readonly now?: Now;
}

export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

/**
 * `data` in the per-user data folder env-paths gives npy-studio: `$XDG_DATA_HOME/npy-studio/data` (by default
 * `~/.local/share/npy-studio/data`), `~/Library/Application Support/npy-studio/data`, and on Windows
 * `%LOCALAPPDATA%\npy-studio\Data\data`, which, unlike the roaming `%APPDATA%`, is not copied around with the profile.
 * Earlier versions kept Windows data in `%APPDATA%\npy-studio\data`: while that folder exists and the new one
 * does not, it stays in use, so an upgrade never shows an empty store (arrays are not moved behind the user's back).
 */
export function defaultDataDir(exists: (path: string) => boolean = existsSync): string {
  const current = join(envPaths('npy-studio', { suffix: '' }).data, 'data');
  if (process.platform !== 'win32' || !process.env.APPDATA) return current;
  const earlier = join(process.env.APPDATA, 'npy-studio', 'data');
  return !exists(current) && exists(earlier) ? earlier : current;
}

export function withDefaults(options: Partial<ServerOptions>): ServerOptions {
  return {
    host: '127.0.0.1',
    port: 8000,
    dataDir: defaultDataDir(),
    maxUploadBytes: 2 * GiB,
    maxHeaderBytes: 10_000,
    maxJsonBytes: 512 * MiB,
    maxSliceBytes: 64 * MiB,
    streamRate: 20,
    pointsPerPacket: 100,
    maxChannels: 256,
    maxMessageBytes: 16 * MiB,
    maxBufferedBytes: 8 * MiB,
    noAuth: false,
    maxConnections: 1000,
    maxPublishRate: 20_000,
    heartbeatMs: 30_000,
    allowedOrigins: [APP_ORIGIN],
    lookback: DEFAULT_LOOKBACK,
    allowedHosts: [],
    uploadIdleMs: 120_000,
    logger: consoleLogger,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  };
}
