import type { WebSocket } from 'ws';
import { DEMO_CHANNEL, type StreamCommand } from '../../common/protocol.js';
import type { StreamHub } from './hub.js';
import { JsonInputError, describeJson, parseJsonMessage } from '../net/safeJson.js';
import { Subscriber } from './subscriber.js';

/**
 * One `/ws/stream` client: subscribed to `channelName` from connect to close, answering the seed's
 * actions. On the demo channel start/stop drive the generator for everyone, as in the seed; other
 * channels are driven by their publishers, so there start/stop only answer with the channel's state.
 * Any action may carry `binary` to choose this client's data format.
 */
export function serveSubscriber(socket: WebSocket, hub: StreamHub, channelName: string, maxBufferedBytes: number): void {
  const channel = hub.channel(channelName);
  const subscriber = new Subscriber(socket, channelName, maxBufferedBytes);
  channel.subscribers.add(subscriber);
  socket.on('close', () => {
    channel.subscribers.delete(subscriber);
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
    message = parseJsonMessage(text);
  } catch (err) {
    if (!(err instanceof JsonInputError)) throw err;
    return `${err.message}; send JSON such as {"action": "start"}`;
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return 'message must be a JSON object such as {"action": "start"}';
  }
  const { action, binary } = message as Record<string, unknown>;
  if (action !== 'start' && action !== 'stop' && action !== 'ping') {
    return `unknown action ${describeJson(action ?? null)}; expected "start", "stop" or "ping"`;
  }
  if (binary !== undefined && typeof binary !== 'boolean') return '"binary" must be true or false';
  return binary === undefined ? { action } : { action, binary };
}
