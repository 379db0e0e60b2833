import type { ArrayInfo, RecordingInfo } from '../../../common/protocol.js';
import { byTestId, setReadout } from '../app/dom.js';
import type { ServerConnection } from '../app/serverConnection.js';
import { errorText } from '../data/errorText.js';
import { formatCount } from '../data/format.js';
import { ArrayTable } from './arrayTable.js';
import { ArrayViewer } from './arrayViewer.js';
import { UploadPanel } from './uploadPanel.js';

/** The Arrays tab: upload, the list of stored arrays, and the selected one. */
export class ArraysView {
  private readonly table: ArrayTable;
  private readonly viewer: ArrayViewer;
  private arrays: ArrayInfo[] = [];
  private recordings = new Map<string, RecordingInfo>();
  private loading = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly server: ServerConnection,
    /** Play opens a finished recording in the workspace. */
    onPlay: (recording: string) => void,
  ) {
    this.table = new ArrayTable(byTestId('array-table-body', root), (index) => this.select(index), onPlay);
    this.viewer = new ArrayViewer(byTestId('array-viewer', root), server, () => void this.reload());
    new UploadPanel(root, server, (info) => void this.reload().then(() => this.select(info.index)));
    byTestId('array-refresh', root).addEventListener('click', () => void this.reload());
    server.addEventListener('change', () => {
      this.viewer.clear();
      this.table.select(null);
      void this.reload();
    });
  }

  setActive(active: boolean): void {
    if (active) void this.reload();
  }

  async reload(): Promise<void> {
    const loading = ++this.loading;
    const error = byTestId('array-list-error', this.root);
    let reachable = true;
    try {
      const [arrays, recordings] = await Promise.all([this.server.client.listArrays(), this.finishedRecordings()]);
      if (loading !== this.loading) return;
      this.arrays = arrays;
      this.recordings = recordings;
      error.hidden = true;
    } catch (err) {
      if (loading !== this.loading) return;
      this.arrays = [];
      this.recordings = new Map();
      reachable = false;
      setReadout(error, errorText(err));
      error.hidden = false;
      // The header's badge should not wait for its next poll to turn red.
      void this.server.checkHealth();
    }
    this.table.render(this.arrays, this.recordings);
    // Without an answer there is no count to show, and "No arrays stored yet" would be a guess.
    setReadout(
      byTestId('array-count', this.root),
      reachable ? `${formatCount(this.arrays.length)} stored` : '',
      reachable ? this.arrays.length : '',
    );
    byTestId('array-empty', this.root).hidden = !reachable || this.arrays.length > 0;
    if (this.viewer.index !== null && !this.arrays.some((a) => a.index === this.viewer.index)) this.viewer.clear();
    this.table.select(this.viewer.index);
  }

  /** Finished recordings by group; none from a server without the recording API (the list still shows). */
  private async finishedRecordings(): Promise<Map<string, RecordingInfo>> {
    try {
      const recordings = await this.server.client.listRecordings();
      return new Map(recordings.filter((r) => r.state === 'finished').map((r) => [r.group, r]));
    } catch {
      return new Map();
    }
  }

  private select(index: number): void {
    const info = this.arrays.find((a) => a.index === index);
    if (!info) return;
    this.table.select(index);
    void this.viewer.open(info);
  }
}
