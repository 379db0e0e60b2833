import { Chart, Filler, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip } from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import { THEME } from './theme.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Filler, Legend, Tooltip, zoomPlugin);
Chart.defaults.color = THEME.text;
Chart.defaults.borderColor = THEME.grid;
Chart.defaults.font.family = THEME.font;
Chart.defaults.font.size = 11;

export { Chart };
