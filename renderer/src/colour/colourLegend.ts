import { type ColourScale, SPECIAL_COLOURS, type SpecialCounts, colourLut, cssColour, lutColour } from './colourMap.js';

/**
 * A colour legend: the map's ramp from the range's min to max, then a swatch for NaN, +Inf and
 * -Inf (each with its count); for bool, a swatch each for False and True. The one legend of the
 * array viewer's heatmap and the workspace's image panel. `format` writes the range's numbers.
 */
export class ColourLegend {
  readonly element: HTMLElement;
  /** The map its elements show now (the image panel shows a range every frame, mostly in the same map). */
  private shownMap = '';
  /** Everything it shows now, to do nothing when a frame shows the same. */
  private shown = '';

  constructor(private readonly format: (value: number) => string) {
    this.element = document.createElement('div');
    this.element.className = 'colour-legend';
    this.element.dataset.testid = 'colour-legend';
  }

  show(scale: ColourScale, counts: SpecialCounts): void {
    const shown = JSON.stringify([scale.bool, scale.map, scale.range.min, scale.range.max, counts]);
    if (shown === this.shown) return;
    this.shown = shown;
    const items: HTMLElement[] = [];
    if (scale.bool) {
      items.push(
        swatch('False', cssColour(SPECIAL_COLOURS.false), 'legend-false'),
        swatch('True', cssColour(SPECIAL_COLOURS.true), 'legend-true'),
      );
    } else {
      const ramp = document.createElement('div');
      ramp.className = 'legend-ramp';
      const lut = colourLut(scale.map);
      const stops = Array.from({ length: 9 }, (_, i) => `${cssColour(lutColour(lut, i / 8))} ${i * 12.5}%`);
      ramp.style.background = `linear-gradient(to right, ${stops.join(', ')})`;
      const min = label(this.format(scale.range.min), 'legend-min', scale.range.min);
      const max = label(this.format(scale.range.max), 'legend-max', scale.range.max);
      items.push(min, ramp, max);
    }
    items.push(swatch(`NaN ${counts.nan}`, cssColour(SPECIAL_COLOURS.nan), 'legend-nan', counts.nan));
    if (!scale.bool) {
      items.push(
        swatch(`+Inf ${counts.posInf}`, cssColour(SPECIAL_COLOURS.posInf), 'legend-posinf', counts.posInf),
        swatch(`−Inf ${counts.negInf}`, cssColour(SPECIAL_COLOURS.negInf), 'legend-neginf', counts.negInf),
      );
    }
    const map = `${scale.bool} ${scale.map}`;
    const current = [...this.element.children] as HTMLElement[];
    if (map === this.shownMap && current.length === items.length) {
      // The same map: only numbers change, written into the elements there (new ones would be styled and laid out afresh).
      items.forEach((item, i) => {
        const old = current[i]!;
        const text = item.lastChild?.nodeValue;
        if (old.lastChild && text != null && old.lastChild.nodeValue !== text) old.lastChild.nodeValue = text;
        if (old.dataset.value !== item.dataset.value) old.dataset.value = item.dataset.value;
      });
      return;
    }
    this.shownMap = map;
    this.element.replaceChildren(...items);
  }
}

function label(text: string, testId: string, value: number): HTMLElement {
  const span = document.createElement('span');
  span.className = 'legend-label mono';
  span.dataset.testid = testId;
  span.dataset.value = String(value);
  span.textContent = text;
  return span;
}

function swatch(text: string, colour: string, testId: string, count?: number): HTMLElement {
  const item = label(text, testId, count ?? 0);
  item.classList.add('legend-swatch');
  const box = document.createElement('i');
  box.style.background = colour;
  item.prepend(box);
  return item;
}
