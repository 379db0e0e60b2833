/**
 * The messages between the app's main process and its server process (main/serverProcess.ts), one schema
 * each, checked on arrival on both sides. The same messages flow over Electron's parentPort and over
 * Node's IPC channel (main/serverChannel.ts).
 */
import * as v from 'valibot';
import type { ServerOptions } from '../server/options.js';

/** The server flags that cross the process boundary: everything the command line sets, nothing that is a function. */
export const StartOptionsSchema = v.strictObject({
  host: v.optional(v.string()),
  port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535))),
  dataDir: v.optional(v.string()),
  maxUploadBytes: v.optional(v.pipe(v.number(), v.minValue(0))),
  streamRate: v.optional(v.pipe(v.number(), v.minValue(0))),
  allowedOrigins: v.optional(v.array(v.string())),
  token: v.optional(v.string()),
  noAuth: v.optional(v.boolean()),
});
export type StartOptions = v.InferOutput<typeof StartOptionsSchema>;

/** The flags of `options` that are set, as a start message carries them. */
export function startOptionsFrom(options: Partial<ServerOptions>): StartOptions {
  const { host, port, dataDir, maxUploadBytes, streamRate, allowedOrigins, token, noAuth } = options;
  const picked = { host, port, dataDir, maxUploadBytes, streamRate, allowedOrigins: allowedOrigins && [...allowedOrigins], token, noAuth };
  return Object.fromEntries(Object.entries(picked).filter(([, value]) => value !== undefined));
}

/** Main process to server process. */
export const ToServerSchema = v.variant('type', [
  v.strictObject({ type: v.literal('start'), options: StartOptionsSchema }),
  v.strictObject({ type: v.literal('shutdown') }),
]);
export type ToServer = v.InferOutput<typeof ToServerSchema>;

export const ServerReadySchema = v.strictObject({
  type: v.literal('ready'),
  url: v.string(),
  /** `url` with the token in the query when one is required. */
  browserUrl: v.string(),
  port: v.number(),
  token: v.optional(v.string()),
  dataDir: v.string(),
  /** Set when the requested port was busy, e.g. "port 8000 was busy". */
  portNote: v.optional(v.string()),
});
export type ServerReady = v.InferOutput<typeof ServerReadySchema>;

/** Server process to main process. After `error` the process exits 1; after a `shutdown` it exits 0. */
export const FromServerSchema = v.variant('type', [ServerReadySchema, v.strictObject({ type: v.literal('error'), message: v.string() })]);
export type FromServer = v.InferOutput<typeof FromServerSchema>;

export class ServerMessageError extends Error {}

/** `message` as a `T`, or a ServerMessageError naming what is wrong with it. */
export function readMessage<T>(schema: v.GenericSchema<unknown, T>, message: unknown): T {
  const result = v.safeParse(schema, message);
  if (result.success) return result.output;
  const issue = result.issues[0];
  throw new ServerMessageError(`malformed server process message ${JSON.stringify(message)}: ${issue.message}`);
}
