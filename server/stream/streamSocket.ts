import * as v from 'valibot';
import type { WebSocket } from 'ws';
import { DEMO_CHANNEL, type StreamCommand } from '../../common/protocol.js';
import { StreamCommandSchema } from '../../common/schemas.js';
import type { StreamHub } from './hub.js';
import { Subscriber } from './subscriber.js';

export interface SubscribeOptions {
  readonly maxBufferedBytes: number;
  /** Seconds of history to send first (`?lookback=SECONDS`). */
  readonly lookback: number;
  /** Binary frames from the start (`?binary=1`), so history arrives in the format the client wants. */
  readonly binary: boolean;
}

/**
 * One `/ws/stream` client: subscribed to `channelName` from connect to close, answering the seed's
 * actions. On the demo channel start/stop drive the generator for everyone, as in the seed; other
 * channels are driven by their publishers, so there start/stop only answer with the channel's state.
 * Any action may carry `binary` to choose this client's data format.
 */
export function serveSubscriber(socket: WebSocket, hub: StreamHub, channelName: string, options: SubscribeOptions): void {
  const channel = hub.channel(channelName);
  const subscriber = new Subscriber(socket, channelName, options.maxBufferedBytes, options.binary);
  channel.join(subscriber, options.lookback);
  hub.changed();
  socket.on('close', () => {
    channel.subscribers.delete(subscriber);
    hub.changed();
    hub.release(channel);
  });

  socket.on('message', (data, isBinary) => {
    const command = parseCommand(isBinary ? undefined : data.toString());
    if (typeof command === 'string') {
      subscriber.send({ type: 'error', detail: command });
      return;
    }
    if (command.binary !== undefined) subscriber.binary = command.binary;
    switch (command.action) {
      case 'ping':
        subscriber.send({ type: 'pong' });
        return;
      case 'start':
      case 'stop':
        if (channelName === DEMO_CHANNEL) {
          if (command.action === 'start') hub.demo.start();
          else hub.demo.stop();
        } else {
          subscriber.send({ type: 'status', streaming: hub.isStreaming(channel), channel: channelName });
        }
    }
  });
}

/** The command in a client message, or why it is not one. */
export function parseCommand(text: string | undefined): StreamCommand | string {
  if (text === undefined) return 'binary messages are not accepted here; send JSON such as {"action": "start"}';
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return 'message is not valid JSON; send JSON such as {"action": "start"}';
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return 'message must be a JSON object such as {"action": "start"}';
  }
  const parsed = v.safeParse(StreamCommandSchema, message);
  if (parsed.success) return parsed.output;
  if (v.getDotPath(parsed.issues[0]) === 'binary') return '"binary" must be true or false';
  const { action } = message as { action?: unknown };
  return `unknown action ${JSON.stringify(action ?? null)}; expected "start", "stop" or "ping"`;
}
