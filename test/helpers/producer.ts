/** A `/ws/publish` producer for tests: sends JSON packets and waits, by ping/pong, for the server to have handled them. */
import WebSocket from 'ws';

export interface TestProducer {
  send(message: unknown): void;
  /** Resolves once the server has handled everything sent before; rejects on an error reply. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function connectProducer(url: string, channel: string): Promise<TestProducer> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/publish?channel=${channel}`);
  const replies: Record<string, unknown>[] = [];
  let wake = () => {};
  ws.on('message', (data) => {
    replies.push(JSON.parse(String(data)) as Record<string, unknown>);
    wake();
  });
  const nextReply = async (type: string) => {
    for (;;) {
      const index = replies.findIndex((r) => r.type === type || r.type === 'error');
      if (index >= 0) {
        const [reply] = replies.splice(index, 1);
        if (reply!.type === 'error') throw new Error(String(reply!.detail));
        return reply!;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  await nextReply('status');
  return {
    send: (message) => ws.send(JSON.stringify(message)),
    flush: async () => {
      ws.send('{"action":"ping"}');
      await nextReply('pong');
    },
    close: () =>
      new Promise((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
}
