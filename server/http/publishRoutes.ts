import express, { Router } from 'express';
import { NPY_MEDIA_TYPE, type PublishResponse } from '../../common/protocol.js';
import { RateLimitError } from '../stream/errors.js';
import type { StreamHub } from '../stream/hub.js';
import { publishChannel, readBinaryPacket, toPacket } from '../stream/ingest.js';
import { HttpError, methodNotAllowed } from './errors.js';

const NPY_BODY_TYPES = [NPY_MEDIA_TYPE, 'application/octet-stream'];

/** `POST /stream/{channel}`: one packet per request, whose body is the `.npy` bytes of y (bare or framed), for low-rate producers. */
export function publishRoutes(hub: StreamHub, maxBodyBytes: number): Router {
  const router = Router();
  router
    .route('/stream/:channel')
    .post(express.raw({ type: NPY_BODY_TYPES, limit: maxBodyBytes }), (req, res) => {
      if (req.is(NPY_BODY_TYPES) === false)
        throw new HttpError(415, `send the .npy bytes with Content-Type ${NPY_BODY_TYPES.join(' or ')}`);
      const body: unknown = req.body;
      if (!Buffer.isBuffer(body) || body.length === 0) throw new HttpError(400, 'the body is empty: send the .npy bytes of y');
      const channel = publishChannel(hub, req.params.channel);
      try {
        if (!channel.admit())
          throw new RateLimitError(`channel ${channel.name} is over its publish rate limit of ${channel.maxPublishRate} packets/s`);
        const seq = channel.publish(toPacket(channel, readBinaryPacket(body)));
        res.json({ status: 'published', channel: channel.name, seq } satisfies PublishResponse);
      } finally {
        hub.release(channel);
      }
    })
    .all(methodNotAllowed);
  return router;
}
