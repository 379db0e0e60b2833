/**
 * The last `capacity` numbers pushed, always readable as one contiguous Float64Array. Storage is
 * twice the capacity: when the end is reached the window is copied back to the start, which costs
 * O(1) per value amortised and spares the renderer a copy per frame.
 */
export class SlidingWindow {
  private readonly storage: Float64Array;
  private start = 0;
  private end = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.storage = new Float64Array(2 * capacity);
  }

  get length(): number {
    return this.end - this.start;
  }

  push(value: number): void {
    if (this.end === this.storage.length) this.compact();
    this.storage[this.end++] = value;
    if (this.end - this.start > this.capacity) this.start++;
  }

  /** The window, oldest first; a view that later pushes overwrite, so copy it to keep it. */
  view(): Float64Array {
    return this.storage.subarray(this.start, this.end);
  }

  clear(): void {
    this.start = this.end = 0;
  }

  private compact(): void {
    this.storage.copyWithin(0, this.start, this.end);
    this.end -= this.start;
    this.start = 0;
  }
}
