/** The workspace's plots, drawn off the page's thread (see PlotCharts); one worker for every panel. */
import { PlotCharts } from './plotCharts.js';
import type { FromPlotWorker, ToPlotWorker } from './plotProtocol.js';

// A worker's global scope posts and receives messages just as a Worker object does on the page.
const scope = self as unknown as Pick<Worker, 'postMessage' | 'addEventListener'>;
const reply = (message: FromPlotWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);
const charts = new PlotCharts();

scope.addEventListener('message', ({ data: message }: MessageEvent<ToPlotWorker>) => {
  switch (message.type) {
    case 'add':
      charts.add(message.id, message.kind, message.canvas);
      break;
    case 'remove':
      charts.remove(message.id);
      break;
    case 'resize':
      charts.resize(message.id, message.width, message.height, message.pixelRatio);
      reply({ type: 'resized', plots: charts.geometry([message.id]) });
      break;
    case 'frame': {
      charts.render(message.plots);
      const released = charts.release(message.plots);
      reply({ type: 'drawn', plots: charts.geometry(message.plots.map((p) => p.id)), released }, released);
      break;
    }
    case 'cursor':
      charts.cursor(message.ids, message.hover);
      reply({ type: 'drawn', plots: {}, released: [] });
      break;
  }
});
