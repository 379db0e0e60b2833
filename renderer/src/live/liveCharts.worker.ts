/**
 * The live view's charts, drawn off the main thread: Chart.js's updates and the canvas's
 * rasterisation (most of a frame without a GPU) no longer hold up the page.
 */
import { chartsToPng } from '../charts/exportPng.js';
import { LiveCharts } from './liveCharts.js';
import type { FromChartsWorker, ToChartsWorker } from './liveChartsProtocol.js';

// A worker's global scope posts and receives messages just as a Worker object does on the page.
const scope = self as unknown as Pick<Worker, 'postMessage' | 'addEventListener'>;
const reply = (message: FromChartsWorker) => scope.postMessage(message);
let charts: LiveCharts;

scope.addEventListener('message', ({ data: message }: MessageEvent<ToChartsWorker>) => {
  switch (message.type) {
    case 'init':
      charts = new LiveCharts(message.canvases[0]!, message.canvases[1]!);
      break;
    case 'resize':
      charts.resize(message.chart, message.width, message.height, message.pixelRatio);
      reply({ type: 'resized', plots: charts.plots() });
      break;
    case 'frame':
      charts.render(message.data);
      reply({ type: 'drawn', plots: charts.plots() });
      break;
    case 'pointer':
      charts.pointer(message.chart, message.event, message.x, message.y);
      break;
    case 'png':
      chartsToPng(charts.charts).then(
        (blob) => reply({ type: 'png', blob }),
        (error: unknown) => reply({ type: 'png', error: String(error) }),
      );
      break;
  }
});
