const BUCKET_MS = 100;
const BUCKETS = 10;

/** Events per second over the last second, in 100 ms buckets: O(1) per event at any rate. */
export class RateMeter {
  private readonly counts = new Float64Array(BUCKETS);
  private newestBucket = 0;

  add(amount: number, now: number): void {
    this.advance(now);
    this.counts[this.newestBucket % BUCKETS]! += amount;
  }

  perSecond(now: number): number {
    this.advance(now);
    let sum = 0;
    for (const count of this.counts) sum += count;
    // The newest bucket is still filling: the counts span the older buckets plus its elapsed part.
    const spanMs = (BUCKETS - 1) * BUCKET_MS + (now - this.newestBucket * BUCKET_MS);
    return (sum * 1000) / spanMs;
  }

  reset(): void {
    this.counts.fill(0);
  }

  private advance(now: number): void {
    const bucket = Math.floor(now / BUCKET_MS);
    if (bucket <= this.newestBucket) return;
    const stale = Math.min(BUCKETS, bucket - this.newestBucket);
    for (let i = 1; i <= stale; i++) this.counts[(this.newestBucket + i) % BUCKETS] = 0;
    this.newestBucket = bucket;
  }
}
