/** Types for fft.js (indutny's radix-4 FFT), which ships none. */
declare module 'fft.js' {
  export default class FFT {
    constructor(size: number);
    readonly size: number;
    createComplexArray(): number[];
    /** Fills the left half of `out` (interleaved re, im) with the transform of real `data`. */
    realTransform(out: number[], data: ArrayLike<number>): void;
    completeSpectrum(spectrum: number[]): void;
  }
}

/** dockview-core's stylesheet, which its ES module build leaves out (see vite.config.ts). */
declare module 'virtual:dockview-core.css';
