/**
 * Every figure of `npm run bench`, in the order they run. A new figure is one module exporting a
 * `Figure` (see context.ts), added here. The upload limits run before the uploads, whose target needs them.
 */
import type { Figure } from './context.js';
import { arrayGet } from './figures/arrayGet.js';
import { health } from './figures/health.js';
import { uploadLimits } from './figures/limits.js';
import { largeArrayMemory, serverMemory } from './figures/ours.js';
import { fanOutFigure, publishLatencyFigure } from './figures/oursStreaming.js';
import { stream } from './figures/stream.js';
import { upload1GiB, upload64MiB } from './figures/upload.js';
import { benchPython } from './python.js';
import { benchLoopbackFloor, benchRecording, benchReplayTiming } from './recording.js';
import { benchHugeArrayViewer } from './viewer.js';

export const FIGURES: readonly Figure[] = [
  uploadLimits,
  upload64MiB,
  upload1GiB,
  arrayGet,
  health,
  stream,
  publishLatencyFigure,
  fanOutFigure,
  largeArrayMemory,
  // The Python package's throughput against our server (python.ts reports its own lines; ours only).
  { name: 'python package', quick: false, run: (ctx) => benchPython(ctx.ours) },
  // Ours only: the reference has no recordings, replay or slicing.
  { name: 'recording', quick: true, run: (ctx) => benchRecording({ url: ctx.ours.url, pid: ctx.ours.child.pid }) },
  { name: 'replay timing', quick: true, run: (ctx) => benchReplayTiming({ url: ctx.ours.url, pid: ctx.ours.child.pid }) },
  // Beside it, the same timing with nothing of ours in the way: what this machine allows.
  { name: 'replay timing floor', quick: true, run: () => benchLoopbackFloor() },
  { name: 'huge array viewer', quick: false, run: (ctx) => benchHugeArrayViewer(ctx.scratch) },
  serverMemory,
];
