import type { PanelConfig } from '../layout.js';
import { ImagePanel } from './imagePanel.js';
import type { PanelContext, WorkspacePanel } from './panel.js';
import { SpectrumPanel } from './spectrumPanel.js';
import { StatsPanel } from './statsPanel.js';
import { TimePlotPanel } from './timePlot.js';
import { ValuePanel } from './valuePanel.js';
import { XyPanel } from './xyPanel.js';

/** The panel module for a config's kind. */
export function createPanel(context: PanelContext, config: PanelConfig): WorkspacePanel {
  switch (config.kind) {
    case 'time':
      return new TimePlotPanel(context, config);
    case 'xy':
      return new XyPanel(context, config);
    case 'stats':
      return new StatsPanel(context, config);
    case 'spectrum':
      return new SpectrumPanel(context, config);
    case 'image':
      return new ImagePanel(context, config);
    case 'value':
      return new ValuePanel(context, config);
  }
}
