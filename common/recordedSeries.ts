/**
 * The recorded names and units that apply to a packet of `series` series. A recording keeps a channel's last names and
 * units; a channel whose series count changed during the recording has them for its last shape only, so a packet of
 * another count gets none. Used by the server's replay and the app's playback alike.
 */
export function recordedLabelsFor<T extends readonly string[]>(
  recorded: { readonly names: T | null; readonly units: T | null } | undefined,
  series: number,
): { names?: T; units?: T } {
  const fitting = (values: T | null | undefined) => (values?.length === series ? values : undefined);
  return { names: fitting(recorded?.names), units: fitting(recorded?.units) };
}
