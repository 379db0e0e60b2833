import { Router } from 'express';
import type { ControlResponse, HealthResponse, StreamListResponse } from '../../common/protocol.js';
import type { ArrayStore } from '../store/arrayStore.js';
import type { StreamHub } from '../stream/hub.js';
import { methodNotAllowed } from './errors.js';

export function streamRoutes(hub: StreamHub, store: ArrayStore, version: string): Router {
  const router = Router();

  router
    .route('/health')
    .get((_req, res) => {
      res.json({ status: 'healthy', version, arrays: store.count, streaming: hub.demo.streaming } satisfies HealthResponse);
    })
    .all(methodNotAllowed);

  router
    .route('/control/start')
    .post((_req, res) => {
      hub.demo.start();
      res.json({ status: 'streaming started', streaming: true } satisfies ControlResponse);
    })
    .all(methodNotAllowed);

  router
    .route('/control/stop')
    .post((_req, res) => {
      hub.demo.stop();
      res.json({ status: 'streaming stopped', streaming: false } satisfies ControlResponse);
    })
    .all(methodNotAllowed);

  router
    .route('/streams')
    .get((_req, res) => {
      res.json({ streams: hub.list() } satisfies StreamListResponse);
    })
    .all(methodNotAllowed);

  return router;
}
