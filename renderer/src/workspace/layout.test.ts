import { describe, expect, it } from 'vitest';
import { LAYOUT_FORMAT, parseLayout, serializeLayout } from './layout.js';

describe('parseLayout', () => {
  it('round-trips a layout through its JSON', () => {
    const { layout } = parseLayout({
      format: LAYOUT_FORMAT,
      axis: { mode: 'time', format: 'clock', window: { size: 30, unit: 's' } },
      panels: [
        { id: 'p1', title: 'Accel', config: { kind: 'time', series: [{ channel: 'imu', series: 1, axis: 'right', colour: '#ff0000' }] } },
        {
          id: 'p2',
          title: 'Image',
          config: { kind: 'image', channel: 'camera', colour: { map: 'magma', range: { mode: 'fixed', min: 0, max: 1 } } },
        },
      ],
    });
    const again = parseLayout(JSON.parse(serializeLayout(layout)));
    expect(again.skipped).toEqual([]);
    expect(again.layout).toEqual(layout);
    expect(layout.axis.format).toBe('clock');
    expect(layout.panels[0]!.config).toEqual({
      kind: 'time',
      series: [{ channel: 'imu', series: 1, axis: 'right', colour: '#ff0000' }],
      left: { mode: 'auto' },
      right: { mode: 'auto' },
    });
  });

  it('loads what it can of a hand-edited file and says what it skipped', () => {
    const { layout, skipped } = parseLayout({
      axis: { mode: 'sideways' },
      panels: [
        { id: 'a', config: { kind: 'time' } },
        { id: 'b', config: { kind: 'radar', series: [] } },
        { id: 'c', config: { kind: 'spectrum', series: [{ channel: 'x', series: -1 }] } },
        { kind: 'value', series: [{ channel: 'temp' }] },
        'nonsense',
        { id: 'a', config: { kind: 'xy' } },
      ],
      dock: { grid: {}, panels: { a: {}, b: {} } },
    });
    expect(layout.panels.map((p) => [p.id, p.config.kind])).toEqual([
      ['a', 'time'],
      ['value-4', 'value'],
      ['a+', 'xy'],
    ]);
    // Missing fields take defaults.
    expect(layout.panels[0]!.config).toMatchObject({ series: [], left: { mode: 'auto' } });
    expect(layout.panels[1]!.config).toEqual({ kind: 'value', series: [{ channel: 'temp', series: 0 }] });
    expect(layout.axis).toEqual({ mode: 'time', format: 'relative', window: { size: 10, unit: 's' } });
    expect(layout.dock).toBeUndefined();
    expect(skipped).toHaveLength(5);
    expect(skipped.join('\n')).toMatch(/time axis settings/);
    expect(skipped.join('\n')).toMatch(/panel 2: unknown panel type "radar"/);
    expect(skipped.join('\n')).toMatch(/panel 3 \(spectrum\): series\.0\.series/);
    expect(skipped.join('\n')).toMatch(/panel 5: unknown panel type undefined/);
    expect(skipped.join('\n')).toMatch(/laid out afresh/);
  });

  it('refuses what is not a layout at all', () => {
    expect(() => parseLayout([])).toThrow(/JSON object/);
    expect(() => parseLayout(null)).toThrow(/JSON object/);
    expect(() => parseLayout({ format: 'something-else' })).toThrow(/not a layout/);
  });
});
