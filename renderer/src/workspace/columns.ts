/**
 * A growable append-only column that keeps its newest `capacity` values contiguous: appends go
 * to the end of a buffer twice the capacity, and the newest values move to the front when it fills
 * (amortised O(1)). Contiguous values are what binary search, FFT and export want.
 */
export class Column {
  private buffer: Float64Array;
  private start = 0;
  private end = 0;

  constructor(private capacity: number) {
    this.buffer = new Float64Array(Math.min(2 * capacity, 1024));
  }

  get length(): number {
    return this.end - this.start;
  }

  /** The kept values, oldest first; later appends may overwrite this view. */
  view(): Float64Array {
    return this.buffer.subarray(this.start, this.end);
  }

  /** Appends `values[offset, offset + count)`. Returns how many old values it dropped to stay within the capacity. */
  append(values: ArrayLike<number>, offset: number, count: number): number {
    let dropped = 0;
    if (this.length + count > this.capacity) {
      dropped = Math.min(this.length, this.length + count - this.capacity);
      this.start += dropped;
    }
    if (this.end + count > this.buffer.length) this.makeRoom(count);
    for (let i = 0; i < count; i++) this.buffer[this.end + i] = values[offset + i]!;
    this.end += count;
    // A packet larger than the capacity keeps only its newest values.
    if (this.length > this.capacity) {
      dropped += this.length - this.capacity;
      this.start = this.end - this.capacity;
    }
    return dropped;
  }

  /** Changes the capacity, keeping the newest values. Returns how many it dropped. */
  resize(capacity: number): number {
    this.capacity = capacity;
    const dropped = Math.max(0, this.length - capacity);
    this.start += dropped;
    if (this.buffer.length > 2 * capacity) this.relocate(Math.max(1024, 2 * capacity));
    return dropped;
  }

  clear(): void {
    this.start = this.end = 0;
  }

  private makeRoom(count: number): void {
    const needed = this.length + count;
    const size =
      this.buffer.length >= 2 * this.capacity
        ? this.buffer.length
        : Math.min(2 * this.capacity, Math.max(2 * needed, 2 * this.buffer.length));
    this.relocate(Math.max(size, needed));
  }

  private relocate(size: number): void {
    const length = this.length;
    if (size === this.buffer.length) {
      this.buffer.copyWithin(0, this.start, this.end);
    } else {
      const next = new Float64Array(size);
      next.set(this.view());
      this.buffer = next;
    }
    this.start = 0;
    this.end = length;
  }
}
