/**
 * Recordings: channels' packets appended to a log on disk as they arrive (fsynced every 500 ms), exported into stored
 * arrays (one group per recording) when stopped, after which the log is deleted: a finished recording is stored once,
 * as its arrays. Finishing is redone from the log until the recording is durably marked finished, so a crash at any
 * step of it loses nothing: at the next start, a recording not marked finished (the server died while recording, or
 * while finishing) is finished from its log with stop reason "interrupted", and a finished one's leftover log is deleted.
 */
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingInfo } from '../../common/protocol.js';
import type { Logger } from '../logger.js';
import { type Repeat, repeatWithTimer } from '../schedule.js';
import type { ArrayStore } from '../store/arrayStore.js';
import { newGroupId } from '../store/groups.js';
import type { PacketSink } from '../stream/channel.js';
import { NotFoundError, StateError } from '../stream/errors.js';
import type { EncodedPacket } from '../stream/packet.js';
import { exportLog } from './export.js';
import { LogWriter } from './logWriter.js';
import { LogFormatError, encodeRecord } from './packetLog.js';

/** Where recordings get their packets: the channel hub, or later a broker. */
export interface PacketSource {
  /** Sends every future packet of `channel` to `sink` (creating the channel if needed) until the returned detach is called. */
  attach(channel: string, sink: PacketSink): () => void;
  /** The channel's packets of the last `seconds`, oldest first (empty if it has none). */
  recent(channel: string, seconds: number): EncodedPacket[];
  readonly lookbackSeconds: number;
}

/** A finished recording's channels and the indexes of its stored arrays, by name (`"{channel}/y"`, `"{channel}@1/t"`…). */
export interface RecordingArrays {
  readonly channels: readonly string[];
  readonly arrays: ReadonlyMap<string, number>;
  /** Per channel, the series names and units recorded with it. */
  readonly series: Readonly<Record<string, SeriesMeta>>;
}

export interface StartRecording {
  channels: string[];
  name?: string;
  max_seconds?: number | null;
  max_bytes?: number | null;
  lookback?: boolean;
}

/** What is kept in `recordings/<id>/recording.json`. */
interface RecordingFile {
  id: string;
  name: string;
  channels: string[];
  started: string;
  finished: string | null;
  stop_reason: string | null;
  max_seconds: number | null;
  max_bytes: number | null;
  packets: number;
  bytes: number;
  lost: number;
  durable_seq: Record<string, number>;
  /** Absent in recordings made before it was kept; kept in memory while recording, so an interrupted one has none. */
  series?: Record<string, SeriesMeta>;
}

/** The names and units of a channel's series. */
export type SeriesMeta = RecordingInfo['series'][string];

const LOG = 'packets.log';
const UNREADABLE_LOG = 'packets.unreadable.log';
const META = 'recording.json';

class ActiveRecording {
  packets = 0;
  private readonly detachers: (() => void)[] = [];
  /** Per channel, the last sample time of its last record in the log (for encodeRecord). */
  private readonly lastTime = new Map<number, number>();
  /** Per channel, the names and units arrays last seen (by reference). */
  private readonly seriesArrays: { names?: readonly string[]; units?: readonly string[] }[] = [];
  private limitTimer?: ReturnType<typeof setTimeout>;

  constructor(
    readonly file: RecordingFile,
    readonly writer: LogWriter<number>,
    private readonly onLimit: (reason: string) => void,
  ) {}

  attach(source: PacketSource, lookback: boolean): void {
    this.file.channels.forEach((channel, index) => {
      if (lookback) for (const packet of source.recent(channel, source.lookbackSeconds)) this.append(index, packet);
      this.detachers.push(source.attach(channel, { receive: (packet) => this.append(index, packet) }));
    });
    if (this.file.max_seconds !== null) this.limitTimer = setTimeout(() => this.onLimit('max_seconds'), this.file.max_seconds * 1000);
  }

  private append(channelIndex: number, { seq, packet }: EncodedPacket): void {
    this.noteSeries(channelIndex, packet);
    const record = encodeRecord(channelIndex, seq, packet, this.lastTime.get(channelIndex));
    if (this.writer.append(record, channelIndex, seq)) {
      this.packets++;
      if (packet.t.length > 0) this.lastTime.set(channelIndex, packet.t[packet.t.length - 1]!);
    }
    if (this.file.max_bytes !== null && this.writer.bytes >= this.file.max_bytes) this.onLimit('max_bytes');
  }

  /** Keeps the channel's latest names and units; a packet carries the channel's own arrays, so unchanged ones compare equal. */
  private noteSeries(channelIndex: number, { names, units }: EncodedPacket['packet']): void {
    if (names === this.seriesArrays[channelIndex]?.names && units === this.seriesArrays[channelIndex]?.units) return;
    this.seriesArrays[channelIndex] = { names, units };
    const series = (this.file.series ??= {});
    const channel = this.file.channels[channelIndex]!;
    // A packet of another series count carries none; the last ones given stay (players check that they fit).
    if (names || units) series[channel] = { names: names ? [...names] : null, units: units ? [...units] : null };
  }

  detach(): void {
    clearTimeout(this.limitTimer);
    for (const detach of this.detachers.splice(0)) detach();
  }
}

export class RecordingManager {
  private readonly files = new Map<string, RecordingFile>();
  private readonly active = new Map<string, ActiveRecording>();
  private readonly stopping = new Map<string, Promise<RecordingInfo>>();
  private readonly dir: string;

  private constructor(
    dataDir: string,
    private readonly store: ArrayStore,
    private readonly source: PacketSource,
    private readonly logger: Logger,
    private readonly repeat: Repeat,
  ) {
    this.dir = join(dataDir, 'recordings');
  }

  /** Loads what is on disk and finishes any recording a previous run left unfinished. */
  static async open(
    dataDir: string,
    store: ArrayStore,
    source: PacketSource,
    logger: Logger,
    repeat: Repeat = repeatWithTimer,
  ): Promise<RecordingManager> {
    const manager = new RecordingManager(dataDir, store, source, logger, repeat);
    await mkdir(manager.dir, { recursive: true });
    for (const id of await readdir(manager.dir)) {
      try {
        const file = JSON.parse(await readFile(join(manager.dir, id, META), 'utf8')) as RecordingFile;
        if (file.finished === null) await manager.recover(file);
        else await rm(manager.logFile(file), { force: true });
        manager.files.set(file.id, file);
      } catch (err) {
        logger.warn(`skipping recording ${id} until the next start: ${(err as Error).message}`);
      }
    }
    return manager;
  }

  async start(request: StartRecording): Promise<RecordingInfo> {
    const id = newGroupId('rec');
    const file: RecordingFile = {
      id,
      name: request.name ?? id,
      channels: [...new Set(request.channels)],
      started: new Date().toISOString(),
      finished: null,
      stop_reason: null,
      max_seconds: request.max_seconds ?? null,
      max_bytes: request.max_bytes ?? null,
      packets: 0,
      bytes: 0,
      lost: 0,
      durable_seq: {},
    };
    await mkdir(join(this.dir, id), { recursive: true });
    await this.save(file);
    const writer = await LogWriter.open<number>(join(this.dir, id, LOG), this.repeat);
    const recording = new ActiveRecording(
      file,
      writer,
      (reason) => void this.stop(id, reason).catch((err: Error) => this.logger.error(err.message)),
    );
    this.files.set(id, file);
    this.active.set(id, recording);
    try {
      recording.attach(this.source, request.lookback ?? false);
    } catch (err) {
      await this.stop(id, 'failed');
      throw err;
    }
    return this.describe(file);
  }

  /** Stops a recording (once; later calls get the same answer) and exports its arrays. */
  stop(id: string, reason = 'stopped'): Promise<RecordingInfo> {
    const file = this.require(id);
    const pending = this.stopping.get(id);
    if (pending) return pending;
    if (file.finished !== null) return Promise.resolve(this.describe(file));
    const done = this.finish(file, reason).finally(() => this.stopping.delete(id));
    this.stopping.set(id, done);
    return done;
  }

  list(): RecordingInfo[] {
    return [...this.files.values()].map((file) => this.describe(file));
  }

  get(id: string): RecordingInfo {
    return this.describe(this.require(id));
  }

  /** The stored arrays of a finished recording, by name (for replay). */
  arrays(id: string): RecordingArrays {
    const file = this.require(id);
    if (file.finished === null) throw new StateError(`recording ${id} is still recording; stop it before replaying`);
    return {
      channels: file.channels,
      arrays: new Map(this.store.groupArrays(id).map((info) => [info.name, info.index])),
      series: file.series ?? {},
    };
  }

  /** Stops every active recording, e.g. when the server shuts down. */
  async close(): Promise<void> {
    await Promise.all([...this.active.keys()].map((id) => this.stop(id, 'server stopped')));
  }

  private require(id: string): RecordingFile {
    const file = this.files.get(id);
    if (!file) throw new NotFoundError(`no recording ${JSON.stringify(id)}`);
    return file;
  }

  /**
   * Finishes a recording that a previous run left unfinished, from its log. A log this build cannot read is kept aside,
   * untouched, and the recording marked finished with the reason: listing it as still recording would be untrue.
   */
  private async recover(file: RecordingFile): Promise<void> {
    try {
      await this.finish(file, 'interrupted');
    } catch (err) {
      if (!(err instanceof LogFormatError)) throw err;
      await rename(this.logFile(file), join(this.dir, file.id, UNREADABLE_LOG));
      file.finished = new Date().toISOString();
      file.stop_reason = `interrupted; its log could not be read (${err.message}) and is kept as ${UNREADABLE_LOG}`;
      await this.save(file);
      this.logger.warn(`recording ${file.id}: ${file.stop_reason}`);
    }
  }

  private logFile(file: RecordingFile): string {
    return join(this.dir, file.id, LOG);
  }

  private async finish(file: RecordingFile, reason: string): Promise<RecordingInfo> {
    const recording = this.active.get(file.id);
    if (recording) {
      recording.detach();
      await recording.writer.close();
      this.active.delete(file.id);
      file.bytes = recording.writer.bytes;
      file.lost = recording.writer.lost;
      file.durable_seq = this.durableSeqs(file, recording);
    }
    const logPath = this.logFile(file);
    // Arrays committed by a finishing that a crash cut short are dropped: they are made again from the log.
    for (const info of this.store.groupArrays(file.id)) await this.store.delete(info.index);
    const exported = await exportLog(logPath, file.channels, () => this.store.tempPath());
    file.packets = exported.packets;
    if (!recording) {
      // Interrupted: what counts is what the log holds.
      file.durable_seq = exported.lastSeq;
      file.bytes = (await stat(logPath).catch(() => ({ size: 0 }))).size;
    }
    try {
      await this.store.commitGroup(file.id, file.name, exported.arrays);
    } catch (err) {
      await Promise.all(exported.arrays.map((e) => rm(e.tempPath, { force: true })));
      throw err;
    }
    file.finished = new Date().toISOString();
    file.stop_reason = reason;
    await this.save(file);
    // Durably finished: the arrays are now the only copy.
    await rm(logPath, { force: true });
    return this.describe(file);
  }

  private durableSeqs(file: RecordingFile, recording: ActiveRecording): Record<string, number> {
    return Object.fromEntries([...recording.writer.durable].map(([index, seq]) => [file.channels[index]!, seq]));
  }

  private async save(file: RecordingFile): Promise<void> {
    await this.store.writeFileDurably(join(this.dir, file.id, META), JSON.stringify(file));
  }

  private describe(file: RecordingFile): RecordingInfo {
    const recording = this.active.get(file.id);
    const end = file.finished ? Date.parse(file.finished) : Date.now();
    const arrays = file.finished
      ? this.store.groupArrays(file.id).map(({ index, name, shape, dtype }) => ({ index, name, shape, dtype }))
      : [];
    return {
      id: file.id,
      name: file.name,
      state: file.finished ? 'finished' : 'recording',
      channels: file.channels,
      started: file.started,
      finished: file.finished,
      stop_reason: file.stop_reason,
      max_seconds: file.max_seconds,
      max_bytes: file.max_bytes,
      bytes: recording?.writer.bytes ?? file.bytes,
      duration: Math.max(0, (end - Date.parse(file.started)) / 1000),
      lost: recording?.writer.lost ?? file.lost,
      packets: recording?.packets ?? file.packets,
      durable_seq: recording ? this.durableSeqs(file, recording) : file.durable_seq,
      series: file.series ?? {},
      arrays,
      group: file.id,
    };
  }
}
