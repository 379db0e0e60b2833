import { h } from '../app/dom.js';
import { formatValue } from '../data/format.js';
import { COLOUR_MAP_NAMES, type ColourMapName, DEFAULT_SPECIAL_COLOURS, colourLut, isColourMapName } from './colourMap.js';
import { type ColourRangeMode, DEFAULT_COLOUR_RANGE } from './colourRange.js';

export interface ColourScaleSettings {
  map: ColourMapName;
  range: ColourRangeMode;
}

export const DEFAULT_COLOUR_SCALE: ColourScaleSettings = { map: 'viridis', range: DEFAULT_COLOUR_RANGE };

const PERCENTILES: Record<string, [number, number]> = { 'p1-99': [1, 99], 'p0-100': [0, 100], 'p5-95': [5, 95] };
const rgb = (colour: readonly number[]) => `rgb(${colour.join(', ')})`;

/**
 * A colour map and range picker with its legend: the map's bar between the range's ends, and
 * swatches for NaN and ±Inf. Used by the workspace's image panel and the array viewer; emits
 * `change` when the user picks another map or range.
 */
export class ColourScaleControl extends EventTarget {
  readonly element: HTMLElement;
  private readonly mapSelect: HTMLSelectElement;
  private readonly rangeSelect: HTMLSelectElement;
  private readonly minInput: HTMLInputElement;
  private readonly maxInput: HTMLInputElement;
  private readonly bar: HTMLCanvasElement;
  private readonly minLabel: HTMLElement;
  private readonly maxLabel: HTMLElement;

  constructor(private settings: ColourScaleSettings = DEFAULT_COLOUR_SCALE) {
    super();
    this.mapSelect = h(
      'select',
      { 'data-testid': 'colour-map', title: 'Colour map' },
      ...COLOUR_MAP_NAMES.map((name) => h('option', { value: name }, name)),
    );
    this.rangeSelect = h(
      'select',
      { 'data-testid': 'colour-range-mode', title: 'Colour range: percentiles of the values shown, or fixed' },
      ...Object.keys(PERCENTILES).map((key) => h('option', { value: key }, key.replace('p', '').replace('-', '–') + ' %')),
      h('option', { value: 'fixed' }, 'fixed'),
    );
    this.minInput = h('input', {
      type: 'number',
      step: 'any',
      'data-testid': 'colour-min',
      'aria-label': 'Colour range minimum',
      size: '6',
    });
    this.maxInput = h('input', {
      type: 'number',
      step: 'any',
      'data-testid': 'colour-max',
      'aria-label': 'Colour range maximum',
      size: '6',
    });
    this.bar = h('canvas', { class: 'colour-bar', width: '128', height: '1', 'aria-hidden': 'true' });
    this.minLabel = h('span', { class: 'mono', 'data-testid': 'colour-legend-min' });
    this.maxLabel = h('span', { class: 'mono', 'data-testid': 'colour-legend-max' });
    const swatch = (label: string, colour: readonly number[]) => {
      const box = h('span', { class: 'swatch' });
      box.style.background = rgb(colour);
      return h('span', { class: 'special', title: `${label} is drawn in this colour` }, box, label);
    };
    this.element = h(
      'div',
      { class: 'colour-scale', 'data-testid': 'colour-scale' },
      this.mapSelect,
      this.rangeSelect,
      this.minInput,
      this.maxInput,
      h('span', { class: 'legend' }, this.minLabel, this.bar, this.maxLabel),
      swatch('NaN', DEFAULT_SPECIAL_COLOURS.nan),
      swatch('+Inf', DEFAULT_SPECIAL_COLOURS.positiveInfinity),
      swatch('−Inf', DEFAULT_SPECIAL_COLOURS.negativeInfinity),
    );
    this.mapSelect.addEventListener('change', () => this.readControls());
    this.rangeSelect.addEventListener('change', () => this.readControls());
    this.minInput.addEventListener('change', () => this.readControls());
    this.maxInput.addEventListener('change', () => this.readControls());
    this.showSettings();
  }

  get value(): ColourScaleSettings {
    return this.settings;
  }

  /** Shows the range in use (the percentiles' values, or the fixed ends) on the legend. */
  showRange(range: { min: number; max: number } | undefined): void {
    this.minLabel.textContent = range ? formatValue(range.min) : '—';
    this.maxLabel.textContent = range ? formatValue(range.max) : '—';
    if (range && this.settings.range.mode === 'percentile') {
      this.minInput.placeholder = formatValue(range.min);
      this.maxInput.placeholder = formatValue(range.max);
    }
  }

  private readControls(): void {
    const map = this.mapSelect.value;
    const mode = this.rangeSelect.value;
    let range: ColourRangeMode;
    if (mode === 'fixed') {
      const min = Number(this.minInput.value || this.minInput.placeholder);
      const max = Number(this.maxInput.value || this.maxInput.placeholder);
      range = Number.isFinite(min) && Number.isFinite(max) && max > min ? { mode: 'fixed', min, max } : this.settings.range;
    } else {
      const [low, high] = PERCENTILES[mode]!;
      range = { mode: 'percentile', low, high };
    }
    this.settings = { map: isColourMapName(map) ? map : this.settings.map, range };
    this.showSettings();
    this.dispatchEvent(new Event('change'));
  }

  private showSettings(): void {
    const { map, range } = this.settings;
    this.mapSelect.value = map;
    this.rangeSelect.value =
      range.mode === 'fixed'
        ? 'fixed'
        : (Object.entries(PERCENTILES).find(([, [l, hi]]) => l === range.low && hi === range.high)?.[0] ?? 'p1-99');
    const fixed = range.mode === 'fixed';
    this.minInput.hidden = this.maxInput.hidden = !fixed;
    if (fixed) {
      this.minInput.value = String(range.min);
      this.maxInput.value = String(range.max);
    }
    const lut = colourLut(map);
    const context = this.bar.getContext('2d')!;
    const image = context.createImageData(this.bar.width, 1);
    for (let x = 0; x < this.bar.width; x++) {
      const level = Math.round((x / (this.bar.width - 1)) * 255);
      image.data.set([lut[level * 3]!, lut[level * 3 + 1]!, lut[level * 3 + 2]!, 255], x * 4);
    }
    context.putImageData(image, 0, 0);
  }
}
