import type { ConnectionState, StreamData, StreamSubscription } from '../../../client/index.js';
import { DEMO_CHANNEL } from '../../../common/protocol.js';
import { byTestId, h, setReadout } from '../app/dom.js';
import { fileTimestamp, saveBlob } from '../app/download.js';
import type { ServerConnection } from '../app/serverConnection.js';
import type { LiveStats } from '../app/liveStats.js';
import type { XRange } from '../charts/lineOptions.js';
import { errorText } from '../data/errorText.js';
import { formatShape } from '../data/format.js';
import { type XAxisMode, visibleIndices } from './frameRange.js';
import { LiveBuffer, type LiveFrame, copyFrame } from './liveBuffer.js';
import { liveChartData } from './liveChartData.js';
import { LiveChartsClient } from './liveChartsClient.js';
import { liveCsv, seriesLabel } from './liveExport.js';
import { LiveStatus } from './liveStatus.js';
import { RateMeter } from './rateMeter.js';
import { RenderLoop } from './renderLoop.js';
import { SeqTracker } from './seqTracker.js';

const STATUS_INTERVAL_MS = 250;
const CHANNEL_POLL_MS = 5_000;

/**
 * The live view: subscribes to a channel, keeps its recent points, and draws them at most once
 * per animation frame. Pausing freezes what is drawn while packets keep arriving and counting.
 */
export class LiveView {
  private readonly buffer: LiveBuffer;
  private readonly seq = new SeqTracker();
  private readonly packetRate = new RateMeter();
  private readonly pointRate = new RateMeter();
  private readonly charts: LiveChartsClient;
  private readonly status: LiveStatus;
  private readonly loop = new RenderLoop(() => this.draw());
  private subscription?: StreamSubscription;
  private subscribedChannel = '';
  private generation = 0;
  private connection: { state: ConnectionState; attempt: number } = { state: 'closed', attempt: 0 };
  private streaming: boolean | null = null;
  private error = '';
  /** The frame shown while paused. */
  private frozen?: LiveFrame;
  /** The user changed the view since the last frame was sent to the worker. */
  private viewChanged = false;
  private range?: XRange;
  private pointsShown = 0;
  private framesDrawn = 0;
  private channelTimer?: ReturnType<typeof setInterval>;

  private readonly channelInput: HTMLInputElement;
  private readonly channelOptions: HTMLDataListElement;
  private readonly windowSelect: HTMLSelectElement;
  private readonly rollingSelect: HTMLSelectElement;
  private readonly xAxisSelect: HTMLSelectElement;
  private readonly pauseButton: HTMLButtonElement;
  private readonly startButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly signalPanel: HTMLElement;
  private readonly windowDuration: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly server: ServerConnection,
  ) {
    const get = <T extends HTMLElement>(id: string) => byTestId<T>(id, root);
    this.channelInput = get('live-channel');
    this.channelOptions = get('live-channel-options');
    this.windowSelect = get('live-window');
    this.rollingSelect = get('live-rolling');
    this.xAxisSelect = get('live-x-axis');
    this.pauseButton = get('live-pause');
    this.startButton = get('live-start');
    this.stopButton = get('live-stop');
    this.signalPanel = get('live-chart-signal');
    this.windowDuration = get('live-window-duration');
    this.status = new LiveStatus(root);
    this.buffer = new LiveBuffer(this.windowPoints, this.rollingPoints);
    this.charts = new LiveChartsClient([byTestId('live-canvas-signal', root), byTestId('live-canvas-stats', root)], {
      onGestureStart: () => this.setPaused(true),
      onRangeChange: (range) => {
        this.range = range;
        this.redraw();
      },
      zoomed: () => this.range,
      onResize: () => this.redraw(),
    });

    this.channelInput.value = DEMO_CHANNEL;
    this.channelInput.addEventListener('change', () => this.selectChannel());
    // Picking a suggestion fires `input` only (Chromium), not `change` until the field loses focus.
    this.channelInput.addEventListener('input', (event) => {
      if (!(event instanceof InputEvent) || event.inputType === 'insertReplacementText') this.selectChannel();
    });
    get('live-channel-refresh').addEventListener('click', () => void this.loadChannels());
    this.startButton.addEventListener('click', () => this.subscription?.start());
    this.stopButton.addEventListener('click', () => this.subscription?.stop());
    this.pauseButton.addEventListener('click', () => this.setPaused(!this.frozen));
    this.windowSelect.addEventListener('change', () => {
      this.buffer.resize(this.windowPoints);
      this.redraw();
    });
    this.rollingSelect.addEventListener('change', () => {
      this.buffer.setRollingWindow(this.rollingPoints);
      this.redraw();
    });
    this.xAxisSelect.addEventListener('change', () => this.resetZoom());
    get('live-clear').addEventListener('click', () => this.clear());
    get('live-reset-zoom').addEventListener('click', () => this.resetZoom());
    get('live-export-png').addEventListener('click', () => void this.exportPng());
    get('live-export-csv').addEventListener('click', () => this.exportCsv());

    server.addEventListener('change', () => this.subscribe());
    setInterval(() => this.renderStatus(), STATUS_INTERVAL_MS);
    this.subscribe();
  }

  /** Called when the tab is shown or hidden: hidden charts are not drawn. */
  setActive(active: boolean): void {
    clearInterval(this.channelTimer);
    if (!active) return;
    this.redraw();
    void this.loadChannels();
    this.channelTimer = setInterval(() => void this.loadChannels(), CHANNEL_POLL_MS);
  }

  stats(): LiveStats {
    return {
      packets: this.seq.packets,
      lastSeq: this.seq.lastSeq,
      lost: this.seq.lost,
      dropped: this.seq.dropped,
      pointsShown: this.pointsShown,
      framesDrawn: this.framesDrawn,
      series: this.buffer.seriesCount,
      paused: this.frozen !== undefined,
    };
  }

  private get channel(): string {
    return this.channelInput.value.trim() || DEMO_CHANNEL;
  }

  private get windowPoints(): number {
    return Number(this.windowSelect.value);
  }

  private get rollingPoints(): number {
    return Number(this.rollingSelect.value);
  }

  private get xAxis(): XAxisMode {
    return this.xAxisSelect.value as XAxisMode;
  }

  private selectChannel(): void {
    if (this.channel !== this.subscribedChannel) this.subscribe();
  }

  /** (Re)subscribes to the chosen channel on the current server, starting from an empty view. */
  private subscribe(): void {
    this.subscription?.close();
    this.subscribedChannel = this.channel;
    // Callbacks of a closed subscription can still fire (its socket is closing): ignore them.
    const generation = ++this.generation;
    const current =
      <A extends unknown[]>(handler: (...args: A) => void) =>
      (...args: A) => {
        if (generation === this.generation) handler(...args);
      };
    this.streaming = null;
    this.error = '';
    this.clear();
    this.subscription = this.server.client.stream({
      channel: this.channel,
      binary: true,
      onData: current((data) => this.receive(data)),
      onStatus: current((status) => (this.streaming = status.streaming)),
      onDropped: current((message) => this.seq.droppedByServer(message.count)),
      onError: current((detail) => (this.error = detail)),
      onConnection: current((state, info) => {
        this.connection = { state, attempt: info.attempt };
        if (state === 'open') {
          this.error = '';
          void this.loadChannels();
        } else if (state === 'closed' && info.reason) {
          this.error = info.reason;
        }
        this.renderStatus();
      }),
    });
  }

  private receive(data: StreamData): void {
    const now = performance.now();
    this.seq.packet(data.seq);
    this.packetRate.add(1, now);
    this.pointRate.add(this.buffer.append(data.x, data.y, data.shape), now);
    if (!this.frozen) this.loop.request();
  }

  /** Redraws for what the user changed (zoom, options, size), paused or not; new data alone never redraws a paused view. */
  private redraw(): void {
    this.viewChanged = true;
    this.loop.request();
  }

  /**
   * Sends the charts' worker a frame to draw. While it still draws the last one, new points wait
   * for it (so frames never queue up there) unless `now`: for what the user just did.
   */
  private draw(now = false): void {
    if (this.root.hidden) return;
    // A redraw that data asked for just before a pause would show the frozen frame again.
    if (this.frozen && !now && !this.viewChanged) return;
    if (this.charts.busy && !now) {
      this.charts.whenIdle(() => this.loop.request());
      return;
    }
    this.viewChanged = false;
    const frame = this.frozen ?? this.buffer.frame();
    const options = { xAxis: this.xAxis, capacity: this.windowPoints, rollingWindow: this.rollingPoints, range: this.range };
    const { data, pointsShown } = liveChartData(frame, options, { signal: this.charts.plotWidth(0), stats: this.charts.plotWidth(1) });
    this.charts.render(data);
    this.pointsShown = pointsShown;
    this.framesDrawn++;
    const count = frame.series.length;
    this.signalPanel.dataset.seriesCount = String(count);
    this.signalPanel.dataset.legend = frame.series.map((_, s) => seriesLabel(s, count)).join('|');
  }

  private setPaused(paused: boolean): void {
    if (paused === (this.frozen !== undefined)) return;
    this.frozen = paused ? copyFrame(this.buffer.frame()) : undefined;
    if (!paused) this.range = undefined;
    this.pauseButton.setAttribute('aria-pressed', String(paused));
    this.pauseButton.textContent = paused ? 'Resume' : 'Pause';
    this.renderStatus();
    this.draw(true);
  }

  private clear(): void {
    this.buffer.clear();
    this.seq.reset();
    this.packetRate.reset();
    this.pointRate.reset();
    if (this.frozen) this.frozen = copyFrame(this.buffer.frame());
    this.resetZoom();
  }

  private resetZoom(): void {
    this.range = undefined;
    this.redraw();
  }

  private async loadChannels(): Promise<void> {
    const client = this.server.client;
    try {
      const channels = await client.listStreams();
      if (client !== this.server.client) return;
      this.channelOptions.replaceChildren(
        ...channels.map((c) =>
          h('option', { value: c.name, label: c.shape ? `${formatShape(c.shape)} ${c.dtype} · ${c.rate} packets/s` : 'no data yet' }),
        ),
      );
      const current = channels.find((c) => c.name === this.channel);
      if (current && this.streaming === null) this.streaming = current.streaming;
    } catch (error) {
      this.error = errorText(error);
    }
  }

  private renderStatus(): void {
    const now = performance.now();
    const open = this.connection.state === 'open';
    this.startButton.disabled = this.stopButton.disabled = !open;
    const pointsPerSecond = this.pointRate.perSecond(now);
    const seconds = pointsPerSecond > 0 ? this.windowPoints / pointsPerSecond : NaN;
    setReadout(
      this.windowDuration,
      Number.isFinite(seconds) ? `≈ ${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s` : '',
      seconds,
    );
    this.status.render({
      connection: this.connection.state,
      attempt: this.connection.attempt,
      streaming: this.streaming,
      paused: this.frozen !== undefined,
      packets: this.seq.packets,
      packetsPerSecond: this.packetRate.perSecond(now),
      pointsPerSecond,
      lost: this.seq.lost,
      dropped: this.seq.dropped,
      pointsShown: this.pointsShown,
      error: this.error,
    });
  }

  private exportCsv(): void {
    // Drawing now makes the screen show exactly the points exported, even while live.
    if (!this.frozen) this.draw(true);
    const frame = this.frozen ?? this.buffer.frame();
    const { from, to } = visibleIndices(frame, this.xAxis, this.range);
    saveBlob(new Blob([liveCsv(frame, from, to)], { type: 'text/csv' }), `${this.subscribedChannel}-${fileTimestamp()}.csv`);
  }

  private async exportPng(): Promise<void> {
    saveBlob(await this.charts.toPng(), `${this.subscribedChannel}-${fileTimestamp()}.png`);
  }
}
