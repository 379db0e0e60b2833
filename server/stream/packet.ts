import { decodeFrame, frameHead } from '../../common/frames.js';
import type { NpyArray } from '../../common/npy/codec.js';
import { type DType, dtypeFromName } from '../../common/npy/dtype.js';
import { formatFloat, jsonDataChunks } from '../../common/npy/json.js';
import { encodeNpyHeader } from '../../common/npy/header.js';
import { toTypedArray } from '../../common/npy/typed.js';
import { BlockPool, utf8Blocks } from '../net/utf8Blocks.js';

/** One packet of a channel: x and t (float64, n) and y of shape (n,) or (k, n) in any numeric dtype. */
export interface StreamPacket {
  readonly timestamp: number;
  readonly x: Float64Array;
  readonly y: NpyArray;
  /** Each sample's time, float64 seconds. */
  readonly t: Float64Array;
  /** The `.npy` bytes of y when they arrived as such, so they are forwarded without re-encoding. */
  readonly yNpy?: Uint8Array;
  readonly names?: readonly string[];
  readonly units?: readonly string[];
}

type Labels = Pick<StreamPacket, 'names' | 'units'>;

const FLOAT64 = dtypeFromName('float64');

/** float64 values in C order as an array of `shape`, with no `.npy` bytes behind it. */
export function float64Array(values: Float64Array, shape: readonly number[]): NpyArray {
  return {
    header: { version: 1, dtype: FLOAT64, fortranOrder: false, shape, dataOffset: 0, count: values.length, dataBytes: values.byteLength },
    data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  };
}

/** Recently used `.npy` headers by dtype, order and shape: a channel's packets mostly share one, so it is built once, not per packet. */
const npyHeaders = new Map<string, Uint8Array>();
const MAX_CACHED_HEADERS = 1024;

/** The `.npy` header for these (shared: never to be written to). */
function npyHeader(dtype: DType, shape: readonly number[], fortranOrder: boolean): Uint8Array {
  const key = `${dtype.str}${fortranOrder ? 'F' : 'C'}${shape.join()}`;
  let header = npyHeaders.get(key);
  if (!header) {
    if (npyHeaders.size === MAX_CACHED_HEADERS) npyHeaders.clear();
    header = encodeNpyHeader(dtype, shape, fortranOrder);
    npyHeaders.set(key, header);
  }
  return header;
}

/** y's `.npy` bytes as parts to send one after the other: as they arrived, or a header before y's own data (nothing copied). */
function yNpyParts({ y, yNpy }: StreamPacket): Uint8Array[] {
  return yNpy ? [yNpy] : [npyHeader(y.header.dtype, y.header.shape, y.header.fortranOrder), y.data];
}

/** A float64 array's `.npy` as parts: header, then the values' own bytes. */
function float64NpyParts(values: Float64Array): Uint8Array[] {
  return [npyHeader(FLOAT64, [values.length], false), new Uint8Array(values.buffer, values.byteOffset, values.byteLength)];
}

/**
 * Binary messages up to this size are joined into one buffer: copying a few KiB costs less than sending each part as a
 * fragment of its own (a frame header, a socket write and the receiver's reassembly per part, at every packet).
 */
export const JOINED_BINARY_BYTES = 16 * 1024;

function joinedIfSmall(parts: readonly Uint8Array[]): readonly Uint8Array[] {
  let total = 0;
  for (const part of parts) total += part.byteLength;
  return total <= JOINED_BINARY_BYTES ? [Buffer.concat(parts, total)] : parts;
}

/** Bytes a packet holds in memory: y, x and t. */
export function packetBytes(packet: StreamPacket): number {
  return packet.y.data.byteLength + packet.x.byteLength + packet.t.byteLength + 256;
}

/** Free JSON blocks kept for the next packets' renderings: at most 32 MiB. */
export const JSON_BLOCKS = new BlockPool(32);

/**
 * One WebSocket message in parts, sent as its fragments: a big one is never joined into one buffer, and the same
 * parts go to every subscriber (ws frames them without copying). A JSON message's blocks come from
 * JSON_BLOCKS and go back there once its builder and every socket sending it are done with them.
 */
export class WireMessage {
  readonly byteLength: number;
  private holders = 1; // the builder's, until it calls release()

  constructor(
    readonly binary: boolean,
    readonly parts: readonly Uint8Array[],
    private readonly pool?: BlockPool,
  ) {
    this.byteLength = parts.reduce((sum, part) => sum + part.byteLength, 0);
  }

  /** Keeps the parts from going back to the pool, e.g. until a socket has written them. */
  hold(): void {
    this.holders++;
  }

  release(): void {
    if (--this.holders === 0) this.pool?.give(this.parts as Buffer[]);
  }
}

/** A packet of a channel with its seq; its wire messages are built on demand (see LiveMessages). */
export class EncodedPacket {
  private liveParts?: readonly Uint8Array[];

  constructor(
    readonly packet: StreamPacket,
    readonly channel: string,
    readonly seq: number,
    /** Server clock (ms, performance.now) when it arrived, for lookback. */
    readonly arrival: number,
  ) {}

  get bytes(): number {
    return packetBytes(this.packet);
  }

  /** The packet as a JSON text message or a binary frame; history ones carry `"history": true`. The caller releases it. */
  message(binary: boolean, history = false): WireMessage {
    if (binary) return new WireMessage(true, joinedIfSmall(this.binaryParts(history)));
    return new WireMessage(false, utf8Blocks(this.jsonPieces(history), JSON_BLOCKS), JSON_BLOCKS);
  }

  /** The tutorial's JSON data message, plus `channel`, `seq`, `t`, and `names`/`units`/`history` when set. */
  private *jsonPieces(history: boolean): Generator<string> {
    const { timestamp, x, y, t } = this.packet;
    const xs = float64Array(x, [x.length]);
    const ts = float64Array(t, [t.length]);
    yield `{"type":"data","timestamp":${formatFloat(timestamp)},"shape":${JSON.stringify(y.header.shape)},"dtype":"${y.header.dtype.str}","x":`;
    yield* jsonDataChunks(xs.header, xs.data);
    yield ',"y":';
    yield* jsonDataChunks(y.header, y.data);
    yield `,"channel":${JSON.stringify(this.channel)},"seq":${this.seq},"t":`;
    yield* jsonDataChunks(ts.header, ts.data);
    yield `${this.extras(history)}}`;
  }

  private extras(history: boolean): string {
    const { names, units } = this.packet;
    return (
      (history ? ',"history":true' : '') +
      (names ? `,"names":${JSON.stringify(names)}` : '') +
      (units ? `,"units":${JSON.stringify(units)}` : '')
    );
  }

  /**
   * The packet back from the binary frame `binaryParts(false)` made of it (its bytes kept elsewhere, e.g. in lookback
   * history) and its timestamp (as JSON, the frame's metadata has no -0): the same messages, byte for byte. x and t
   * are copied out; y and its `.npy` are views of `frame`.
   */
  static fromBinaryFrame(frame: Uint8Array, arrival: number, timestamp: number): EncodedPacket {
    const { meta, arrays, parts } = decodeFrame(frame, 3);
    const { channel, seq, names, units } = meta as { channel: string; seq: number } & Labels;
    const [x, y, t] = arrays as [NpyArray, NpyArray, NpyArray];
    const packet: StreamPacket = {
      timestamp,
      x: toTypedArray(x) as Float64Array,
      y,
      yNpy: parts[1],
      t: toTypedArray(t) as Float64Array,
      names,
      units,
    };
    return new EncodedPacket(packet, channel, seq, arrival);
  }

  /** A binary data frame whose `.npy` parts are the packet's own bytes (see JOINED_BINARY_BYTES for small ones). */
  binaryParts(history: boolean): readonly Uint8Array[] {
    // The live frame is wanted twice, by binary subscribers and by the lookback history: it is built once.
    return history ? this.buildBinaryParts(true) : (this.liveParts ??= this.buildBinaryParts(false));
  }

  private buildBinaryParts(history: boolean): Uint8Array[] {
    const { timestamp, x, t, names, units } = this.packet;
    const meta = {
      type: 'data' as const,
      channel: this.channel,
      seq: this.seq,
      timestamp,
      ...(history ? { history: true as const } : {}),
      ...(names ? { names: [...names] } : {}),
      ...(units ? { units: [...units] } : {}),
    };
    return [frameHead(meta), ...float64NpyParts(x), ...yNpyParts(this.packet), ...float64NpyParts(t)];
  }
}

/**
 * The live messages of one packet, each format built at most once for all its subscribers, and let go once
 * the packet has been fanned out: what outlives that is only what slow subscribers still have queued.
 */
export class LiveMessages {
  private json?: WireMessage;
  private binary?: WireMessage;

  constructor(readonly packet: EncodedPacket) {}

  get(binary: boolean): WireMessage {
    if (binary) return (this.binary ??= this.packet.message(true));
    return (this.json ??= this.packet.message(false));
  }

  /** The fan-out is over: what subscribers still send holds the messages on its own. */
  release(): void {
    this.json?.release();
    this.binary?.release();
  }
}
