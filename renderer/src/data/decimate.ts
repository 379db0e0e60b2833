/**
 * Min-max decimation: splits indices [from, to) into `buckets` runs and keeps each run's smallest
 * and largest value (and its first NaN, so gaps stay visible), in index order. A line through the
 * kept points looks like the full line at one bucket per pixel. Returns every index when there are
 * no more than two per bucket.
 */
export function minMaxIndices(valueAt: (i: number) => number, from: number, to: number, buckets: number): number[] {
  const count = to - from;
  if (count <= 2 * buckets) return Array.from({ length: Math.max(0, count) }, (_, i) => from + i);
  const kept: number[] = [];
  const size = count / buckets;
  for (let b = 0; b < buckets; b++) {
    const start = from + Math.floor(b * size);
    const end = from + Math.floor((b + 1) * size);
    let minIndex = -1;
    let maxIndex = -1;
    let nanIndex = -1;
    let min = 0;
    let max = 0;
    for (let i = start; i < end; i++) {
      const value = valueAt(i);
      if (Number.isNaN(value)) {
        if (nanIndex < 0) nanIndex = i;
        continue;
      }
      if (minIndex < 0 || value < min) {
        min = value;
        minIndex = i;
      }
      if (maxIndex < 0 || value > max) {
        max = value;
        maxIndex = i;
      }
    }
    const picked = [minIndex, maxIndex, nanIndex].filter((i) => i >= 0).sort((a, b) => a - b);
    for (const i of picked) if (i !== kept[kept.length - 1]) kept.push(i);
  }
  return kept;
}
