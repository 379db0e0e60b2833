import { encodeDataFrame } from '../../common/frames.js';
import { type NpyArray, encodeNpy } from '../../common/npy/codec.js';
import { dtypeFromName } from '../../common/npy/dtype.js';
import { formatFloat, jsonDataChunks } from '../../common/npy/json.js';
import { typedArrayToNpy } from '../../common/npy/typed.js';

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

const FLOAT64 = dtypeFromName('float64');

/** float64 values in C order as an array of `shape`, with no `.npy` bytes behind it. */
export function float64Array(values: Float64Array, shape: readonly number[]): NpyArray {
  return {
    header: { version: 1, dtype: FLOAT64, fortranOrder: false, shape, dataOffset: 0, count: values.length, dataBytes: values.byteLength },
    data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  };
}

/** y's `.npy` bytes, as they arrived or encoded once. */
export function packetYNpy(packet: StreamPacket): Uint8Array {
  const { y, yNpy } = packet;
  return yNpy ?? encodeNpy({ dtype: y.header.dtype, shape: y.header.shape, fortranOrder: y.header.fortranOrder, data: y.data });
}

/** Bytes a packet holds in memory: y, x and t. */
export function packetBytes(packet: StreamPacket): number {
  return packet.y.data.byteLength + packet.x.byteLength + packet.t.byteLength + 256;
}

/**
 * A packet with its wire forms, each built at most once however many subscribers get it
 * (history forms, sent once per joining subscriber, are built on demand).
 */
export class EncodedPacket {
  private json?: string;
  private binary?: Uint8Array;

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

  /** The tutorial's JSON data message, plus `channel`, `seq`, `t`, and `names`/`units`/`history` when set. */
  asJson(history = false): string {
    if (history) return this.buildJson(true);
    this.json ??= this.buildJson(false);
    return this.json;
  }

  asBinary(history = false): Uint8Array {
    if (history) return this.buildBinary(true);
    this.binary ??= this.buildBinary(false);
    return this.binary;
  }

  private extras(history: boolean): string {
    const { names, units } = this.packet;
    return (
      (history ? ',"history":true' : '') +
      (names ? `,"names":${JSON.stringify(names)}` : '') +
      (units ? `,"units":${JSON.stringify(units)}` : '')
    );
  }

  private buildJson(history: boolean): string {
    const { timestamp, x, y, t } = this.packet;
    return (
      `{"type":"data","timestamp":${formatFloat(timestamp)},"shape":${JSON.stringify(y.header.shape)},` +
      `"dtype":"${y.header.dtype.str}","x":[${Array.from(x, formatFloat).join(',')}],` +
      `"y":${[...jsonDataChunks(y.header, y.data)].join('')},"channel":${JSON.stringify(this.channel)},"seq":${this.seq},` +
      `"t":[${Array.from(t, formatFloat).join(',')}]${this.extras(history)}}`
    );
  }

  private buildBinary(history: boolean): Uint8Array {
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
    return encodeDataFrame(meta, typedArrayToNpy(x), packetYNpy(this.packet), typedArrayToNpy(t));
  }
}
