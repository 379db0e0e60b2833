/** Turns what a producer sends into channel packets, refusing anything malformed with a reason it can act on. */
import * as v from 'valibot';
import { decodeFrame, isBareNpy } from '../../common/frames.js';
import { formatShape } from '../../common/format.js';
import { type NpyArray, decodeNpy } from '../../common/npy/codec.js';
import { NpyError } from '../../common/npy/errors.js';
import { toTypedArray } from '../../common/npy/typed.js';
import { DEMO_CHANNEL, MAX_PACKET_VALUES } from '../../common/protocol.js';
import { PingMessageSchema, PublishFrameMetaSchema, PublishMessageSchema } from '../../common/schemas.js';
import type { Channel } from './channel.js';
import { ChannelForbiddenError, PacketError } from './errors.js';
import { type StreamHub, checkChannelName } from './hub.js';
import { type StreamPacket, float64Array } from './packet.js';

export { PacketError };

export interface PacketInput {
  readonly y: NpyArray;
  /** y's `.npy` bytes when it arrived as such, forwarded to binary subscribers unchanged. */
  readonly yNpy?: Uint8Array;
  readonly x?: Float64Array;
  readonly t?: Float64Array;
  readonly timestamp?: number;
  readonly rate?: number;
  readonly names?: readonly string[];
  readonly units?: readonly string[];
}

export type ProducerMessage = ({ kind: 'packet' } & PacketInput) | { kind: 'ping' };

/** The channel a producer may publish to; refusals are domain errors the edges map to a status or close code. */
export function publishChannel(hub: StreamHub, name: string | null): Channel {
  checkChannelName(name);
  if (name === DEMO_CHANNEL)
    throw new ChannelForbiddenError(`the ${DEMO_CHANNEL} channel is fed by the server's generator; publish to another channel`);
  return hub.channel(name!);
}

/** A packet with x, t and metadata filled in from the channel: its running sample index, the time rules, its last names and units. */
export function toPacket(channel: Channel, input: PacketInput): StreamPacket {
  const { shape } = input.y.header;
  const n = shape.at(-1)!;
  const series = shape.length === 2 ? shape[0]! : 1;
  const counters = channel.counters;
  if (input.names) counters.names = checkLength(input.names, series, 'names');
  if (input.units)
    counters.units =
      input.units.length === 1 && series > 1 ? new Array<string>(series).fill(input.units[0]!) : checkLength(input.units, series, 'units');
  const keep = (kept: readonly string[] | undefined) => (kept?.length === series ? kept : undefined);
  return {
    timestamp: input.timestamp ?? Date.now() / 1000,
    x: input.x ?? channel.sampleIndices(n),
    y: input.y,
    yNpy: input.yNpy,
    t: channel.sampleTimes(n, input),
    names: keep(counters.names),
    units: keep(counters.units),
  };
}

function checkLength(values: readonly string[], series: number, field: string): readonly string[] {
  if (values.length !== series) throw new PacketError(`"${field}" has ${values.length} entries; y has ${series} series`);
  return values;
}

/** A binary message or POST body: the `.npy` bytes of y, bare, or framed with metadata and optionally t. */
export function readBinaryPacket(bytes: Uint8Array): { kind: 'packet' } & PacketInput {
  if (isBareNpy(bytes)) return { kind: 'packet', y: checkY(decodePart(() => decodeNpy(bytes))), yNpy: bytes };
  const frame = decodePart(() => {
    try {
      return decodeFrame(bytes, 2);
    } catch (err) {
      if (err instanceof NpyError && err.message.startsWith('frame'))
        throw new NpyError(`not a .npy file (no \\x93NUMPY magic) nor a frame (uint32 length, JSON metadata, .npy parts): ${err.message}`);
      throw err;
    }
  });
  const meta = v.safeParse(PublishFrameMetaSchema, frame.meta);
  if (!meta.success) throw new PacketError(`frame metadata: ${describeIssues(meta.issues)}`);
  const [y, t] = frame.arrays;
  if (!y) throw new PacketError('the frame holds no .npy of y after its metadata');
  checkY(y);
  const n = y.header.shape.at(-1)!;
  let times: Float64Array | undefined;
  if (t) {
    if (t.header.dtype.name !== 'float64' || t.header.shape.length !== 1 || t.header.shape[0] !== n)
      throw new PacketError(
        `t must be float64 of shape (${n},), one time per sample of y; got ${t.header.dtype.str} ${formatShape(t.header.shape)}`,
      );
    times = toTypedArray(t) as Float64Array;
  }
  return { kind: 'packet', y, yNpy: frame.parts[0], t: times, ...metadata(meta.output) };
}

function decodePart<T>(decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof NpyError) throw new PacketError(`invalid .npy: ${err.message}`);
    throw err;
  }
}

function checkY(y: NpyArray): NpyArray {
  if (y.header.dtype.kind === 'c')
    throw new PacketError(`${y.header.dtype.str} cannot be plotted; send the real and imaginary parts as two series`);
  checkShape(y.header.shape);
  return y;
}

function metadata(meta: { timestamp?: number | null; rate?: number | null; names?: string[]; units?: string | string[] }) {
  return {
    timestamp: meta.timestamp ?? undefined,
    rate: meta.rate ?? undefined,
    names: meta.names,
    units: typeof meta.units === 'string' ? [meta.units] : meta.units,
  };
}

/** A text message: a JSON packet `{"y", "x"?, "t"?, "timestamp"?, "rate"?, "names"?, "units"?}` or `{"action": "ping"}`. */
export function readJsonMessage(text: string): ProducerMessage {
  const message = parseLenientJson(text);
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    throw new PacketError('a text message must be a JSON object such as {"y": [1.0, 2.0]}');
  }
  if ('action' in message) {
    if (!v.is(PingMessageSchema, message))
      throw new PacketError(`unknown action ${JSON.stringify(message.action)}; producers may only send {"action": "ping"}`);
    return { kind: 'ping' };
  }
  const parsed = v.safeParse(PublishMessageSchema, message);
  if (!parsed.success) throw new PacketError(describeIssues(parsed.issues));
  const { y, x, t } = parsed.output;
  const values = readJsonY(y);
  const n = values.header.shape.at(-1)!;
  return { kind: 'packet', y: values, x: readSampleList(x, n, 'x'), t: readSampleList(t, n, 't'), ...metadata(parsed.output) };
}

const KNOWN_KEYS = '"y" and optionally "x", "t", "timestamp", "rate", "names", "units"';

function describeIssues(issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]): string {
  const issue = issues[0];
  const path = v.getDotPath(issue);
  if (path === 'y' && issue.input === undefined) return 'missing "y": send {"y": [...]} with one list of n numbers or k lists of n';
  if (issue.type === 'strict_object' && issue.expected === 'never')
    return `unknown key ${JSON.stringify(path)}; a packet has ${KNOWN_KEYS}`;
  if (path === 'y') return '"y" must be a non-empty list of numbers, or of k equal-length lists of numbers';
  if (issue.expected === 'number' && path) return `"${path}" must be a number (seconds for "timestamp", Hz for "rate")`;
  return path ? `"${path}": ${issue.message}` : issue.message;
}

function readJsonY(y: unknown[]): NpyArray {
  if (y.length === 0) throw new PacketError('"y" must be a non-empty list of numbers, or of k equal-length lists of numbers');
  if (!Array.isArray(y[0])) {
    checkShape([y.length]);
    return float64Array(
      Float64Array.from(y, (value, i) => toNumber(value, `y[${i}]`)),
      [y.length],
    );
  }
  const n = (y[0] as unknown[]).length;
  checkShape([y.length, n]);
  const values = new Float64Array(y.length * n);
  y.forEach((row, r) => {
    if (!Array.isArray(row) || row.length !== n) {
      throw new PacketError(
        `y[${r}] ${Array.isArray(row) ? `has ${row.length} values` : 'is not a list'}; every series must have the ${n} values of y[0]`,
      );
    }
    row.forEach((value, i) => (values[r * n + i] = toNumber(value, `y[${r}][${i}]`)));
  });
  return float64Array(values, [y.length, n]);
}

function readSampleList(list: unknown[] | null | undefined, n: number, field: 'x' | 't'): Float64Array | undefined {
  if (list === undefined || list === null) return undefined;
  if (list.length !== n) throw new PacketError(`"${field}" must be a list of ${n} numbers, one per sample of y (got ${list.length})`);
  return Float64Array.from(list, (value, i) => toNumber(value, `${field}[${i}]`));
}

function checkShape(shape: readonly number[]): void {
  if (shape.length !== 1 && shape.length !== 2) {
    throw new PacketError(`y must have shape (n,) or (k, n) for k series; got ${formatShape(shape)}`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count === 0) throw new PacketError(`y of shape ${formatShape(shape)} holds no samples`);
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
