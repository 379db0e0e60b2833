import { parseArgs } from 'node:util';
import { APP_ORIGIN } from '../common/desktop.js';
import type { ServerOptions } from './options.js';
import { DEFAULT_LOOKBACK, type LookbackLimits } from './stream/history.js';

export const SERVER_USAGE = `Options:
  --host HOST            address to bind (default 127.0.0.1; 0.0.0.0 for every interface)
  --port PORT            port to listen on (default 8000; 0 picks a free one)
  --data-dir DIR         where arrays are stored (default: the OS's app-data folder)
  --max-upload SIZE      largest upload, e.g. 2GiB, 500MB, 1048576 (default 2GiB)
  --rate N               demo stream packets per second (default 20)
  --allow-origin ORIGIN  let browser pages from ORIGIN use this server (repeatable)
  --token TOKEN          require this access token (or set NPY_STUDIO_TOKEN); binding a
                         non-loopback address without one generates a random token
  --no-auth              serve a non-loopback address without any token (not recommended)
  --lookback S[,CH[,ALL]] history kept for late subscribers: S seconds, at most CH per channel and ALL in
                         total (default 60,32MiB,512MiB; 0 keeps none)`;

export const SERVER_ARG_SPEC = {
  host: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  'max-upload': { type: 'string' },
  rate: { type: 'string' },
  'allow-origin': { type: 'string', multiple: true },
  token: { type: 'string' },
  'no-auth': { type: 'boolean' },
  lookback: { type: 'string' },
} as const;

export class UsageError extends Error {}

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = UNITS[match?.[2]?.toLowerCase() ?? 'x'];
  if (!match || unit === undefined) throw new UsageError(`cannot read size ${JSON.stringify(text)}; use e.g. 2GiB, 500MB or 1048576`);
  return Math.floor(Number(match[1]) * unit);
}

export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`invalid port ${JSON.stringify(text)}: use 0-65535`);
  return port;
}

function parseOrigin(text: string): string {
  try {
    const origin = new URL(text).origin;
    if (origin !== 'null') return origin;
  } catch {
    // reported below
  }
  throw new UsageError(`invalid origin ${JSON.stringify(text)}: use e.g. http://lab-pc:8000`);
}

function parseRate(text: string): number {
  const rate = Number(text);
  if (!(rate > 0 && rate <= 10_000)) throw new UsageError(`invalid rate ${JSON.stringify(text)}: use 0 < N <= 10000`);
  return rate;
}

/** `S[,CH[,ALL]]`: seconds, then per-channel and total sizes; sizes not given keep their defaults. */
export function parseLookback(text: string): LookbackLimits {
  const [seconds, channel, total] = text.split(',');
  const value = Number(seconds);
  if (!(value >= 0 && Number.isFinite(value)))
    throw new UsageError(`invalid lookback ${JSON.stringify(text)}: use e.g. 60 or 30,16MiB,256MiB`);
  return {
    seconds: value,
    channelBytes: channel ? parseSize(channel) : DEFAULT_LOOKBACK.channelBytes,
    totalBytes: total ? parseSize(total) : DEFAULT_LOOKBACK.totalBytes,
  };
}

/** Server options from already-parsed flag values (shared by `npm run serve` and the Electron app). */
export function serverOptionsFromFlags(
  values: {
    host?: string;
    port?: string;
    'data-dir'?: string;
    'max-upload'?: string;
    rate?: string;
    'allow-origin'?: string[];
    token?: string;
    'no-auth'?: boolean;
    lookback?: string;
  },
  env: NodeJS.ProcessEnv = process.env,
): Partial<ServerOptions> {
  return {
    host: values.host,
    port: values.port === undefined ? undefined : parsePort(values.port),
    dataDir: values['data-dir'],
    maxUploadBytes: values['max-upload'] === undefined ? undefined : parseSize(values['max-upload']),
    streamRate: values.rate === undefined ? undefined : parseRate(values.rate),
    allowedOrigins: values['allow-origin'] === undefined ? undefined : [APP_ORIGIN, ...values['allow-origin'].map(parseOrigin)],
    token: values.token ?? (env.NPY_STUDIO_TOKEN || undefined),
    noAuth: values['no-auth'],
    lookback: values.lookback === undefined ? undefined : parseLookback(values.lookback),
  };
}

export function parseServerArgs(argv: string[]): Partial<ServerOptions> & { help: boolean } {
  try {
    const { values } = parseArgs({ args: argv, options: { ...SERVER_ARG_SPEC, help: { type: 'boolean', short: 'h' } }, strict: true });
    return { ...serverOptionsFromFlags(values), help: values.help ?? false };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError((err as Error).message);
  }
}
