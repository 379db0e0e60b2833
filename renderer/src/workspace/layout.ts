import * as v from 'valibot';
import { COLOUR_MAP_NAMES } from '../colour/colourMap.js';

const SeriesRefSchema = v.object({
  channel: v.pipe(v.string(), v.minLength(1)),
  series: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 0),
});
const AxisScaleSchema = v.optional(
  v.variant('mode', [v.object({ mode: v.literal('auto') }), v.object({ mode: v.literal('fixed'), min: v.number(), max: v.number() })]),
  { mode: 'auto' },
);
const TimeSeriesSchema = v.object({
  ...SeriesRefSchema.entries,
  axis: v.optional(v.picklist(['left', 'right']), 'left'),
  colour: v.optional(v.pipe(v.string(), v.regex(/^#[0-9a-f]{6}$/i))),
});
const ColourScaleSchema = v.optional(
  v.object({
    map: v.optional(v.picklist(COLOUR_MAP_NAMES), 'viridis'),
    range: v.optional(
      v.variant('mode', [
        v.object({ mode: v.literal('percentile'), low: v.number(), high: v.number() }),
        v.object({ mode: v.literal('fixed'), min: v.number(), max: v.number() }),
      ]),
      { mode: 'percentile', low: 1, high: 99 },
    ),
  }),
  {},
);

/** Each panel type's settings, as layouts store them; missing fields take defaults. */
export const PANEL_SCHEMAS = {
  time: v.object({
    kind: v.literal('time'),
    series: v.optional(v.array(TimeSeriesSchema), []),
    left: AxisScaleSchema,
    right: AxisScaleSchema,
  }),
  xy: v.object({
    kind: v.literal('xy'),
    x: v.optional(SeriesRefSchema),
    y: v.optional(SeriesRefSchema),
    /** Seconds of trail drawn behind the newest point. */
    trail: v.optional(v.pipe(v.number(), v.minValue(0)), 5),
  }),
  stats: v.object({ kind: v.literal('stats'), series: v.optional(v.array(SeriesRefSchema), []) }),
  spectrum: v.object({
    kind: v.literal('spectrum'),
    series: v.optional(v.array(SeriesRefSchema), []),
    scale: v.optional(v.picklist(['amplitude', 'psd']), 'amplitude'),
    log: v.optional(v.boolean(), true),
  }),
  image: v.object({
    kind: v.literal('image'),
    channel: v.optional(v.string()),
    series: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 0),
    colour: ColourScaleSchema,
  }),
  value: v.object({ kind: v.literal('value'), series: v.optional(v.array(SeriesRefSchema), []) }),
} as const;

export type PanelKind = keyof typeof PANEL_SCHEMAS;
export const PANEL_KINDS = Object.keys(PANEL_SCHEMAS) as PanelKind[];
export type PanelConfigOf<K extends PanelKind> = v.InferOutput<(typeof PANEL_SCHEMAS)[K]>;
export type PanelConfig = { [K in PanelKind]: PanelConfigOf<K> }[PanelKind];
export type TimeSeriesConfig = v.InferOutput<typeof TimeSeriesSchema>;
export type AxisScale = v.InferOutput<typeof AxisScaleSchema>;

export const PANEL_TITLES: Record<PanelKind, string> = {
  time: 'Time plot',
  xy: 'XY plot',
  stats: 'Statistics',
  spectrum: 'Spectrum',
  image: 'Image / waterfall',
  value: 'Value',
};

const AxisStateSchema = v.object({
  mode: v.optional(v.picklist(['time', 'index']), 'time'),
  format: v.optional(v.picklist(['relative', 'clock']), 'relative'),
  window: v.optional(v.object({ size: v.pipe(v.number(), v.gtValue(0)), unit: v.picklist(['s', 'pts']) }), { size: 10, unit: 's' }),
});
export type AxisLayout = v.InferOutput<typeof AxisStateSchema>;

export interface PanelLayout {
  id: string;
  title: string;
  config: PanelConfig;
}

/** A workspace as saved and exported: the time axis, the panels and (optionally) how they are docked. */
export interface WorkspaceLayout {
  format: typeof LAYOUT_FORMAT;
  version: 1;
  axis: AxisLayout;
  panels: PanelLayout[];
  /** dockview's own JSON of the arrangement; rebuilt from the panel list when absent or not matching it. */
  dock?: unknown;
}

export const LAYOUT_FORMAT = 'npy-studio-layout';

export interface ParsedLayout {
  layout: WorkspaceLayout;
  /** What was left out or replaced by a default, one sentence each, for the user. */
  skipped: string[];
}

const issueText = (issues: readonly v.BaseIssue<unknown>[]) =>
  issues.map((issue) => `${v.getDotPath(issue) ?? 'value'}: ${issue.message}`).join('; ');

/**
 * Reads a layout, from our own export or edited by hand: loads every panel it can and lists
 * what it skipped (unknown panel types, fields of the wrong type) rather than refusing the file.
 * Throws only for input that is not a layout at all.
 */
export function parseLayout(input: unknown): ParsedLayout {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('a layout is a JSON object');
  const raw = input as Record<string, unknown>;
  if (raw.format !== undefined && raw.format !== LAYOUT_FORMAT) throw new Error(`not a layout: format is ${JSON.stringify(raw.format)}`);
  const skipped: string[] = [];

  const axisResult = v.safeParse(AxisStateSchema, raw.axis ?? {});
  if (!axisResult.success) skipped.push(`time axis settings (${issueText(axisResult.issues)}): defaults used`);
  const axis = axisResult.success ? axisResult.output : v.parse(AxisStateSchema, {});

  if (raw.panels !== undefined && !Array.isArray(raw.panels)) skipped.push('panels: not a list');
  const panels: PanelLayout[] = [];
  const ids = new Set<string>();
  (Array.isArray(raw.panels) ? raw.panels : []).forEach((item: unknown, position) => {
    const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const config = (typeof entry.config === 'object' && entry.config !== null ? entry.config : entry) as Record<string, unknown>;
    const kind = config.kind;
    const name = `panel ${position + 1}`;
    if (typeof kind !== 'string' || !(kind in PANEL_SCHEMAS)) {
      skipped.push(`${name}: unknown panel type ${JSON.stringify(kind)}`);
      return;
    }
    const result = v.safeParse(PANEL_SCHEMAS[kind as PanelKind], config);
    if (!result.success) {
      skipped.push(`${name} (${kind}): ${issueText(result.issues)}`);
      return;
    }
    let id = typeof entry.id === 'string' && entry.id ? entry.id : `${kind}-${position + 1}`;
    while (ids.has(id)) id += '+';
    ids.add(id);
    panels.push({
      id,
      title: typeof entry.title === 'string' && entry.title ? entry.title : PANEL_TITLES[kind as PanelKind],
      config: result.output,
    });
  });

  const dock = dockMatches(raw.dock, ids) ? raw.dock : undefined;
  if (raw.dock !== undefined && dock === undefined && panels.length)
    skipped.push('the saved arrangement did not match the panels: they were laid out afresh');
  return { layout: { format: LAYOUT_FORMAT, version: 1, axis, panels, dock }, skipped };
}

/** dockview's JSON names its panels in `panels`: usable only when it names exactly ours. */
function dockMatches(dock: unknown, ids: ReadonlySet<string>): boolean {
  if (typeof dock !== 'object' || dock === null) return false;
  const panels = (dock as { panels?: unknown }).panels;
  if (typeof panels !== 'object' || panels === null || typeof (dock as { grid?: unknown }).grid !== 'object') return false;
  const names = Object.keys(panels);
  return names.length === ids.size && names.every((id) => ids.has(id));
}

/** The JSON text of a layout file. */
export function serializeLayout(layout: WorkspaceLayout): string {
  return JSON.stringify(layout, null, 2);
}

/** Channels a panel shows (to subscribe to and to record). */
export function panelChannels(config: PanelConfig): string[] {
  switch (config.kind) {
    case 'xy':
      return [config.x?.channel, config.y?.channel].filter((c): c is string => c !== undefined);
    case 'image':
      return config.channel ? [config.channel] : [];
    default:
      return config.series.map((s) => s.channel);
  }
}
