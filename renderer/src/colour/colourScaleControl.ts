import { h } from '../app/dom.js';
import { formatValue } from '../data/format.js';
import { ColourLegend } from './colourLegend.js';
import { COLOUR_MAP_NAMES, type ColourMapName, type SpecialCounts, isColourMapName } from './colourMap.js';
import { type ColourRange, type ColourRangeMode, DEFAULT_COLOUR_RANGE } from './colourRange.js';

export interface ColourScaleSettings {
  map: ColourMapName;
  range: ColourRangeMode;
}

export const DEFAULT_COLOUR_SCALE: ColourScaleSettings = { map: 'viridis', range: DEFAULT_COLOUR_RANGE };

const PERCENTILES: Record<string, [number, number]> = { 'p1-99': [1, 99], 'p0-100': [0, 100], 'p5-95': [5, 95] };

/**
 * A colour map and range picker with the shared colour legend (the map's ramp between the range's
 * ends, and swatches for NaN and ±Inf). Used by the workspace's image panel; emits `change` when
 * the user picks another map or range.
 */
export class ColourScaleControl extends EventTarget {
  readonly element: HTMLElement;
  private readonly mapSelect: HTMLSelectElement;
  private readonly rangeSelect: HTMLSelectElement;
  private readonly minInput: HTMLInputElement;
  private readonly maxInput: HTMLInputElement;
  private readonly legend = new ColourLegend(formatValue);

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
    this.element = h(
      'div',
      { class: 'colour-scale', 'data-testid': 'colour-scale' },
      this.mapSelect,
      this.rangeSelect,
      this.minInput,
      this.maxInput,
      this.legend.element,
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

  /** Shows the range in use (the percentiles' values, or the fixed ends) and the special values' counts on the legend. */
  showRange(range: ColourRange, counts: SpecialCounts): void {
    this.legend.show({ map: this.settings.map, range }, counts);
    if (Number.isFinite(range.min) && this.settings.range.mode === 'percentile') {
      // Written only when they change: a live picture shows its range every frame.
      const [min, max] = [formatValue(range.min), formatValue(range.max)];
      if (this.minInput.placeholder !== min) this.minInput.placeholder = min;
      if (this.maxInput.placeholder !== max) this.maxInput.placeholder = max;
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
  }
}
