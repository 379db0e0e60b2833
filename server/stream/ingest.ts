/** Turns what a producer sends into channel packets, refusing anything malformed with a reason it can act on. */
import { formatShape } from '../../common/format.js';
import { type NpyArray, decodeNpy } from '../../common/npy/codec.js';
import { NpyError } from '../../common/npy/errors.js';
import { DEMO_CHANNEL, MAX_PACKET_VALUES, MAX_SERIES } from '../../common/protocol.js';
import { HttpError } from '../http/errors.js';
import type { Channel } from './channel.js';
import { CHANNEL_NAME, CHANNEL_NAME_RULE, ChannelLimitError, type StreamHub } from './hub.js';
import { type StreamPacket, float64Array } from './packet.js';

/** A producer's packet that cannot be published; the message says why. */
export class PacketError extends Error {}

export interface PacketInput {
  readonly y: NpyArray;
  /** y's `.npy` bytes when it arrived as such, forwarded to binary subscribers unchanged. */
  readonly yNpy?: Uint8Array;
  readonly x?: Float64Array;
  readonly timestamp?: number;
}

export type ProducerMessage = ({ kind: 'packet' } & PacketInput) | { kind: 'ping' };

/** The channel a producer may publish to; refusals are HttpErrors with the status an HTTP producer gets. */
export function publishChannel(hub: StreamHub, name: string | null): Channel {
  if (name === null) throw new HttpError(400, 'say which channel to publish to: ?channel=NAME');
  if (!CHANNEL_NAME.test(name)) throw new HttpError(400, CHANNEL_NAME_RULE);
  if (name === DEMO_CHANNEL)
    throw new HttpError(403, `the ${DEMO_CHANNEL} channel is fed by the server's generator; publish to another channel`);
  try {
    return hub.channel(name);
  } catch (err) {
    if (err instanceof ChannelLimitError) throw new HttpError(429, err.message);
    throw err;
  }
}

/** A packet whose missing x and timestamp are filled in: the channel's running sample index and the server's clock. */
export function toPacket(channel: Channel, input: PacketInput): StreamPacket {
  const n = input.y.header.shape.at(-1)!;
  return {
    timestamp: input.timestamp ?? Date.now() / 1000,
    x: input.x ?? channel.sampleIndices(n),
    y: input.y,
    yNpy: input.yNpy,
  };
}

/** A binary message or POST body: exactly the `.npy` bytes of y. */
export function readNpyPacket(bytes: Uint8Array): { kind: 'packet' } & PacketInput {
  let y: NpyArray;
  try {
    y = decodeNpy(bytes);
  } catch (err) {
    if (err instanceof NpyError) throw new PacketError(`invalid .npy: ${err.message}`);
    throw err;
  }
  if (y.header.dtype.kind === 'c')
    throw new PacketError(`${y.header.dtype.str} cannot be plotted; send the real and imaginary parts as two series`);
  checkShape(y.header.shape);
  return { kind: 'packet', y, yNpy: bytes };
}

const JSON_KEYS = new Set(['type', 'timestamp', 'x', 'y', 'action']);

/** A text message: a JSON packet `{"timestamp"?, "x"?, "y"}` or `{"action": "ping"}`. */
export function readJsonMessage(text: string): ProducerMessage {
  const message = parseLenientJson(text);
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    throw new PacketError('a text message must be a JSON object such as {"y": [1.0, 2.0]}');
  }
  const unknown = Object.keys(message).filter((key) => !JSON_KEYS.has(key));
  if (unknown.length > 0)
    throw new PacketError(`unknown key ${JSON.stringify(unknown[0])}; a packet has "y" and optionally "x" and "timestamp"`);
  const { type, timestamp, x, y, action } = message as Record<string, unknown>;
  if (action !== undefined) {
    if (action !== 'ping') throw new PacketError(`unknown action ${JSON.stringify(action)}; producers may only send "ping"`);
    return { kind: 'ping' };
  }
  if (type !== undefined && type !== 'data') throw new PacketError('"type", if given, must be "data"');
  if (y === undefined) throw new PacketError('missing "y": send {"y": [...]} with one list of n numbers or k lists of n');
  const values = readJsonY(y);
  const n = values.header.shape.at(-1)!;
  return { kind: 'packet', y: values, x: readJsonX(x, n), timestamp: readTimestamp(timestamp) };
}

function readJsonY(y: unknown): NpyArray {
  if (!Array.isArray(y) || y.length === 0)
    throw new PacketError('"y" must be a non-empty list of numbers, or of k equal-length lists of numbers');
  if (!Array.isArray(y[0])) {
    checkShape([y.length]);
    return float64Array(
      Float64Array.from(y, (v, i) => toNumber(v, `y[${i}]`)),
      [y.length],
    );
  }
  const rows = y as unknown[];
  const n = (rows[0] as unknown[]).length;
  checkShape([rows.length, n]);
  const values = new Float64Array(rows.length * n);
  rows.forEach((row, r) => {
    if (!Array.isArray(row) || row.length !== n) {
      throw new PacketError(
        `y[${r}] ${Array.isArray(row) ? `has ${row.length} values` : 'is not a list'}; every series must have the ${n} values of y[0]`,
      );
    }
    row.forEach((v, i) => (values[r * n + i] = toNumber(v, `y[${r}][${i}]`)));
  });
  return float64Array(values, [rows.length, n]);
}

function readJsonX(x: unknown, n: number): Float64Array | undefined {
  if (x === undefined || x === null) return undefined;
  if (!Array.isArray(x) || x.length !== n) {
    throw new PacketError(`"x" must be a list of ${n} numbers, one per sample of y${Array.isArray(x) ? ` (got ${x.length})` : ''}`);
  }
  return Float64Array.from(x, (v, i) => toNumber(v, `x[${i}]`));
}

function readTimestamp(timestamp: unknown): number | undefined {
  if (timestamp === undefined || timestamp === null) return undefined;
  if (typeof timestamp !== 'number') throw new PacketError('"timestamp" must be a number (seconds)');
  return timestamp;
}

function checkShape(shape: readonly number[]): void {
  if (shape.length !== 1 && shape.length !== 2) {
    throw new PacketError(`y must have shape (n,) or (k, n) for k series; got ${formatShape(shape)}`);
  }
  const series = shape.length === 2 ? shape[0]! : 1;
  const count = series * shape.at(-1)!;
  if (count === 0) throw new PacketError(`y of shape ${formatShape(shape)} holds no samples`);
  if (series > MAX_SERIES) throw new PacketError(`y has ${series} series, more than the limit of ${MAX_SERIES}`);
  if (count > MAX_PACKET_VALUES)
    throw new PacketError(`y has ${count} values, more than the limit of ${MAX_PACKET_VALUES} per packet; send smaller packets`);
}

const SPECIAL_VALUES: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

function toNumber(value: unknown, where: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && Object.hasOwn(SPECIAL_VALUES, value)) return SPECIAL_VALUES[value]!;
  throw new PacketError(`${where} is ${JSON.stringify(value)}, not a number`);
}

/** Python's `json.dumps` writes NaN and ±Infinity as bare tokens, which JSON.parse refuses: quote them (outside strings) and retry. */
function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    try {
      return JSON.parse(text.replace(/"(?:[^"\\]|\\.)*"|-?\b(?:NaN|Infinity)\b/g, (m) => (m.startsWith('"') ? m : `"${m}"`)));
    } catch {
      throw new PacketError('message is not valid JSON; send {"y": [...]} as text or the .npy bytes of y as a binary message');
    }
  }
}
