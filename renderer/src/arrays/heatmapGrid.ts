export interface Grid {
  readonly values: Float64Array;
  readonly rows: number;
  readonly cols: number;
  /** Source rows and columns averaged into each cell. */
  readonly rowStep: number;
  readonly colStep: number;
}

/**
 * A C-order rows × cols array shrunk to at most maxRows × maxCols by averaging blocks, so a
 * 2000 × 2000 array fits a screen-sized image. NaN is left out of a block's mean; a block of
 * NaN stays NaN.
 */
export function downsampleGrid(values: ArrayLike<number>, rows: number, cols: number, maxRows: number, maxCols: number): Grid {
  const rowStep = Math.max(1, Math.ceil(rows / maxRows));
  const colStep = Math.max(1, Math.ceil(cols / maxCols));
  const outRows = Math.ceil(rows / rowStep);
  const outCols = Math.ceil(cols / colStep);
  if (rowStep === 1 && colStep === 1) return { values: Float64Array.from(values), rows, cols, rowStep, colStep };
  const sums = new Float64Array(outRows * outCols);
  const counts = new Uint32Array(outRows * outCols);
  for (let r = 0; r < rows; r++) {
    const outRow = Math.floor(r / rowStep) * outCols;
    for (let c = 0; c < cols; c++) {
      const value = values[r * cols + c]!;
      if (Number.isNaN(value)) continue;
      const cell = outRow + Math.floor(c / colStep);
      sums[cell]! += value;
      counts[cell]!++;
    }
  }
  for (let i = 0; i < sums.length; i++) sums[i] = counts[i] ? sums[i]! / counts[i]! : NaN;
  return { values: sums, rows: outRows, cols: outCols, rowStep, colStep };
}
