import { encodeDataFrame } from '../../common/frames.js';
import { type NpyArray, encodeNpy } from '../../common/npy/codec.js';
import { dtypeFromName } from '../../common/npy/dtype.js';
import { formatFloat, jsonDataChunks } from '../../common/npy/json.js';
import { typedArrayToNpy } from '../../common/npy/typed.js';

/** One packet of a channel: x (float64, n) and y of shape (n,) or (k, n) in any numeric dtype. */
export interface StreamPacket {
  readonly timestamp: number;
  readonly x: Float64Array;
  readonly y: NpyArray;
  /** The `.npy` bytes of y when they arrived as such, so they are forwarded without re-encoding. */
  readonly yNpy?: Uint8Array;
}

const FLOAT64 = dtypeFromName('float64');

/** float64 values in C order as an array of `shape`, with no `.npy` bytes behind it. */
export function float64Array(values: Float64Array, shape: readonly number[]): NpyArray {
  return {
    header: { version: 1, dtype: FLOAT64, fortranOrder: false, shape, dataOffset: 0, count: values.length, dataBytes: values.byteLength },
    data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  };
}

/**
 * A packet with its wire forms, each built at most once however many subscribers get it.
 */
export class EncodedPacket {
  private json?: string;
  private binary?: Uint8Array;

  constructor(
    readonly packet: StreamPacket,
    readonly channel: string,
    readonly seq: number,
  ) {}

  /** The seed's JSON data message, plus our `channel` and `seq`. */
  asJson(): string {
    const { timestamp, x, y } = this.packet;
    this.json ??=
      `{"type":"data","timestamp":${formatFloat(timestamp)},"shape":${JSON.stringify(y.header.shape)},` +
      `"dtype":"${y.header.dtype.str}","x":[${Array.from(x, formatFloat).join(',')}],` +
      `"y":${[...jsonDataChunks(y.header, y.data)].join('')},"channel":${JSON.stringify(this.channel)},"seq":${this.seq}}`;
    return this.json;
  }

  asBinary(): Uint8Array {
    const { timestamp, x, y, yNpy } = this.packet;
    this.binary ??= encodeDataFrame(
      { type: 'data', channel: this.channel, seq: this.seq, timestamp },
      typedArrayToNpy(x),
      yNpy ?? encodeNpy({ dtype: y.header.dtype, shape: y.header.shape, fortranOrder: y.header.fortranOrder, data: y.data }),
    );
    return this.binary;
  }
}
