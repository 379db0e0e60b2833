import { describe, expect, it } from 'vitest';
import { Column } from '../workspace/columns.js';
import { colourize } from './colourMap.js';
import { ScrollingColours } from './scrollingColours.js';

describe('ScrollingColours', () => {
  const width = 5;
  const rows = 4;
  const row = (i: number) => Float64Array.from({ length: width }, (_, j) => (i * 7 + j * 3) % 11);

  /** A waterfall of `rows` rows fed `count` rows, coloured after every `every` rows and the last; returns its pixels and values. */
  function feed(count: number, every: number, scale = { map: 'viridis' as const, range: { min: 0, max: 10 } }) {
    const column = new Column(rows * width);
    const colours = new ScrollingColours();
    let pixels = new Uint8ClampedArray(0);
    for (let i = 0; i < count; i++) {
      colours.scrolled(width, column.append(row(i), 0, width));
      if ((i + 1) % every && i < count - 1) continue;
      const values = column.view();
      if (pixels.length !== values.length * 4) {
        pixels = new Uint8ClampedArray(values.length * 4);
        colours.forget();
      }
      colours.colour(values, scale, pixels);
    }
    return { pixels, values: column.view() };
  }

  it('gives the pixels a whole colouring gives, as rows scroll through', () => {
    for (const every of [1, 2, 3, 7]) {
      const { pixels, values } = feed(23, every);
      expect(pixels).toEqual(colourize(values, { map: 'viridis', range: { min: 0, max: 10 } }));
    }
  });

  it('colours whole again when the scale changes', () => {
    const column = new Column(rows * width);
    const colours = new ScrollingColours();
    for (let i = 0; i < rows; i++) colours.scrolled(width, column.append(row(i), 0, width));
    const pixels = new Uint8ClampedArray(rows * width * 4);
    colours.colour(column.view(), { map: 'viridis', range: { min: 0, max: 10 } }, pixels);
    colours.scrolled(width, column.append(row(rows), 0, width));
    const wider = { map: 'viridis' as const, range: { min: -10, max: 20 } };
    colours.colour(column.view(), wider, pixels);
    expect(pixels).toEqual(colourize(column.view(), wider));
  });

  it('colours whole after forget, whatever the pixels held', () => {
    const column = new Column(rows * width);
    const colours = new ScrollingColours();
    for (let i = 0; i < rows + 2; i++) colours.scrolled(width, column.append(row(i), 0, width));
    const scale = { map: 'viridis' as const, range: { min: 0, max: 10 } };
    const pixels = new Uint8ClampedArray(rows * width * 4).fill(7);
    colours.colour(column.view(), scale, pixels);
    colours.forget();
    pixels.fill(9);
    colours.colour(column.view(), scale, pixels);
    expect(pixels).toEqual(colourize(column.view(), scale));
  });

  it('moves the rows it coloured rather than colouring them again', () => {
    const column = new Column(rows * width);
    const colours = new ScrollingColours();
    const scale = { map: 'viridis' as const, range: { min: 0, max: 10 } };
    for (let i = 0; i < rows; i++) colours.scrolled(width, column.append(row(i), 0, width));
    const pixels = new Uint8ClampedArray(rows * width * 4);
    colours.colour(column.view(), scale, pixels);
    // A mark on row 2, which one new row moves to row 1: it is still there after.
    pixels.fill(7, 2 * width * 4, 3 * width * 4);
    colours.scrolled(width, column.append(row(rows), 0, width));
    colours.colour(column.view(), scale, pixels);
    expect([...pixels.subarray(width * 4, 2 * width * 4)].every((byte) => byte === 7)).toBe(true);
    expect(pixels.subarray((rows - 1) * width * 4)).toEqual(colourize(row(rows), scale));
  });
});
