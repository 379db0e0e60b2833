import type { ChartPointerEvent } from '../charts/offscreenLineChart.js';
import type { LiveChartData } from './liveChartData.js';

/** Where a chart's plot area lies on its canvas (CSS pixels), and the x range it spans. */
export interface PlotGeometry {
  left: number;
  right: number;
  top: number;
  bottom: number;
  min: number;
  max: number;
}

/** The page's messages to the live charts' worker. Charts are numbered 0 (signal) and 1 (statistics). */
export type ToChartsWorker =
  | { type: 'init'; canvases: OffscreenCanvas[] }
  | { type: 'resize'; chart: number; width: number; height: number; pixelRatio: number }
  | { type: 'frame'; data: LiveChartData }
  | { type: 'pointer'; chart: number; event: ChartPointerEvent; x: number; y: number }
  | { type: 'png' };

/** The worker's answers: after each frame or resize, the charts' plot geometry; the PNG asked for. */
export type FromChartsWorker =
  | { type: 'drawn'; plots: PlotGeometry[] }
  | { type: 'resized'; plots: PlotGeometry[] }
  | { type: 'png'; blob: Blob }
  | { type: 'png'; error: string };
