import { Router } from 'express';
import type { ControlResponse, HealthResponse, StreamListResponse } from '../../common/protocol.js';
import type { ArrayStore } from '../store/arrayStore.js';
import type { StreamHub } from '../stream/hub.js';

export function streamRoutes(hub: StreamHub, store: ArrayStore, version: string): Router {
  const router = Router();

  router.get('/health', (_req, res) => {
    res.json({ status: 'healthy', version, arrays: store.count, streaming: hub.demo.streaming } satisfies HealthResponse);
  });

  router.post('/control/start', (_req, res) => {
    hub.demo.start();
    res.json({ status: 'streaming started', streaming: true } satisfies ControlResponse);
  });

  router.post('/control/stop', (_req, res) => {
    hub.demo.stop();
    res.json({ status: 'streaming stopped', streaming: false } satisfies ControlResponse);
  });

  router.get('/streams', (_req, res) => {
    res.json({ streams: hub.list() } satisfies StreamListResponse);
  });

  return router;
}
