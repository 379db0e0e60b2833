import { type ColourScale, colourize } from './colourMap.js';

/**
 * The pixels of a picture that scrolls (a waterfall's rows, oldest first, new values appended at
 * the end and old ones dropped from the start), coloured as it scrolls: while its size and colour
 * scale stay the same, only the values new since the last colouring are coloured; the pixels
 * already there move up by the values dropped. A waterfall at 50 rows a second would otherwise
 * colour every value of the picture on every frame.
 */
export class ScrollingColours {
  /** The scale `pixels` were last coloured in; undefined when they show nothing to reuse. */
  private coloured?: ColourScale;
  private appended = 0;
  private dropped = 0;

  /** Values were appended to the picture, and some dropped from its start to keep its size. */
  scrolled(appended: number, dropped: number): void {
    this.appended += appended;
    this.dropped += dropped;
  }

  /** The pixels no longer show the picture (a new picture, new pixels): the next colouring is whole. */
  forget(): void {
    this.coloured = undefined;
  }

  /** Colours `values` into `pixels` (4 bytes per value), which hold what the last call coloured unless `forget` was called since. */
  colour(values: Float64Array, scale: ColourScale, pixels: Uint8ClampedArray<ArrayBuffer>): void {
    const fresh = Math.min(values.length, this.appended);
    const same = this.coloured?.map === scale.map && this.coloured.range === scale.range && this.coloured.bool === scale.bool;
    // Values appended without as many dropped changed the picture's size: nothing lines up.
    if (same && this.dropped === this.appended && pixels.length === values.length * 4) {
      pixels.copyWithin(0, this.dropped * 4);
      colourize(values.subarray(values.length - fresh), scale, pixels.subarray((values.length - fresh) * 4));
    } else colourize(values, scale, pixels);
    this.coloured = scale;
    this.appended = this.dropped = 0;
  }
}
