import { Chart, Filler, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip } from 'chart.js';
import { THEME } from './theme.js';

// No DOM here: the live view's worker shares this module (the zoom plugin, which needs a DOM, is registered by lineChart.ts).
Chart.register(LineController, LineElement, PointElement, LinearScale, Filler, Legend, Tooltip);
Chart.defaults.color = THEME.text;
Chart.defaults.borderColor = THEME.grid;
Chart.defaults.font.family = THEME.font;
Chart.defaults.font.size = 11;

export { Chart };
