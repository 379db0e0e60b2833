/** How long zooming and resizing must pause before the detail for the new view is fetched. */
const LOAD_DELAY_MS = 120;

/**
 * Runs `load` once the calls to `schedule` pause, aborting the load before it: while the user
 * zooms or drags, only the last view's data matters. Shared by the viewer's line chart and heatmap.
 */
export class LatestLoad {
  private controller?: AbortController;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly load: (signal: AbortSignal) => Promise<void>) {}

  schedule(delay = LOAD_DELAY_MS): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.controller?.abort();
      this.controller = new AbortController();
      void this.load(this.controller.signal);
    }, delay);
  }
}
