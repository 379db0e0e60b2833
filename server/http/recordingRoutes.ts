import express, { Router, type Response } from 'express';
import * as v from 'valibot';
import yazl from 'yazl';
import type { RecordingListResponse } from '../../common/protocol.js';
import { StartRecordingSchema, StartReplaySchema } from '../../common/schemas.js';
import type { RecordingManager } from '../record/recordings.js';
import type { ReplayManager } from '../record/replay.js';
import type { ArrayStore } from '../store/arrayStore.js';
import { NotFoundError, StateError } from '../stream/errors.js';
import { checkChannelName } from '../stream/hub.js';
import { HttpError, methodNotAllowed } from './errors.js';

const jsonBody = express.json({ limit: '64kb' });

/** A request body checked against its schema; failures are FastAPI-style 422s naming each field. */
function parseBody<S extends v.GenericSchema>(schema: S, body: unknown): v.InferOutput<S> {
  const parsed = v.safeParse(schema, body ?? {});
  if (parsed.success) return parsed.output;
  throw new HttpError(
    422,
    parsed.issues.map((issue) => ({
      type: issue.type,
      loc: ['body', ...(issue.path?.map((item) => item.key as string | number) ?? [])],
      msg: issue.message,
      input: issue.input,
    })),
  );
}

/** `/recordings`, `/replay` and `/groups`: recording channels into stored arrays, playing them back, and downloading groups as `.npz`. */
export function recordingRoutes(store: ArrayStore, recordings: RecordingManager, replays: ReplayManager): Router {
  const router = Router();

  router
    .route('/recordings')
    .get((_req, res) => {
      res.json({ recordings: recordings.list() } satisfies RecordingListResponse);
    })
    .post(jsonBody, async (req, res) => {
      const request = parseBody(StartRecordingSchema, req.body);
      request.channels.forEach(checkChannelName);
      res.json(await recordings.start(request));
    })
    .all(methodNotAllowed);

  router
    .route('/recordings/:id')
    .get(async (req, res) => {
      const recording = recordings.get(req.params.id);
      const format = req.query.format ?? 'json';
      if (format === 'json') return void res.json(recording);
      if (format !== 'npz') {
        throw HttpError.validation({ type: 'enum', loc: ['query', 'format'], msg: "Input should be 'json' or 'npz'", input: format });
      }
      if (recording.state !== 'finished') throw new StateError(`recording ${recording.id} is still recording; stop it first`);
      await sendGroup(store, recording.group, `${recording.name}.npz`, res);
    })
    .all(methodNotAllowed);

  router
    .route('/recordings/:id/stop')
    .post(async (req, res) => {
      res.json(await recordings.stop(req.params.id));
    })
    .all(methodNotAllowed);

  router
    .route('/replay')
    .get((_req, res) => {
      res.json({ replays: replays.list() });
    })
    .post(jsonBody, (req, res) => {
      res.json(replays.start(parseBody(StartReplaySchema, req.body)));
    })
    .all(methodNotAllowed);

  router
    .route('/replay/:id')
    .get((req, res) => {
      res.json(replays.get(req.params.id));
    })
    .delete((req, res) => {
      res.json(replays.stop(req.params.id));
    })
    .all(methodNotAllowed);

  router
    .route('/groups/:group')
    .get(async (req, res) => {
      const group = store.group(req.params.group);
      if (!group) throw new NotFoundError(`no group ${JSON.stringify(req.params.group)}`);
      await sendGroup(store, group.group, group.name.endsWith('.npz') ? group.name : `${group.name}.npz`, res);
    })
    .all(methodNotAllowed);

  return router;
}

/** A group as one `.npz`: the uploaded file unchanged, or its arrays zipped (stored, zip64 when large) as np.savez does. */
async function sendGroup(store: ArrayStore, group: string, filename: string, res: Response): Promise<void> {
  res.attachment(filename);
  res.type('application/zip');
  const file = store.openGroupFile(group);
  if (file) {
    file.pipe(res);
    return;
  }
  const zip = new yazl.ZipFile();
  for (const info of store.groupArrays(group)) {
    const path = store.npyFile(info.index);
    if (path) zip.addFile(path, `${info.name}.npy`, { compress: false });
  }
  zip.end();
  zip.outputStream.pipe(res);
}
