import { execFile } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NpyClient } from '../../client/npyClient.js';

export type UploadClient = 'requests' | 'ts';

/** One timed upload of a file as multipart field `file`; `index` where the server gives one. */
export async function timedUpload(client: UploadClient, url: string, path: string): Promise<{ ms: number; index?: number }> {
  if (client === 'requests') {
    const { stdout } = await promisify(execFile)(
      '/usr/bin/python3',
      [join(import.meta.dirname, 'requests_client.py'), 'upload', url, path],
      {
        maxBuffer: 2 ** 20,
      },
    );
    const { seconds, index } = JSON.parse(stdout) as { seconds: number; index: number | null };
    return { ms: seconds * 1000, index: index ?? undefined };
  }
  const body = await openAsBlob(path);
  const started = performance.now();
  const { index } = await new NpyClient({ baseUrl: url }).uploadFile({ body, name: 'bench.npy' });
  return { ms: performance.now() - started, index };
}

/** Time to receive a whole response body, read and discarded by node:http (what curl measures). */
export async function timedGet(
  url: string,
  headers: http.OutgoingHttpHeaders = {},
): Promise<{ ms: number; status: number; bytes: number }> {
  const started = performance.now();
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => http.get(url, { headers }, resolve).once('error', reject));
  let bytes = 0;
  for await (const chunk of response) bytes += (chunk as Buffer).length;
  return { ms: performance.now() - started, status: response.statusCode!, bytes };
}

/** Round-trip times of `count` sequential GETs over one keep-alive connection. */
export async function keepAliveLatencies(url: string, count: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await new Promise<void>((resolve, reject) =>
        http
          .get(url, { agent }, (response) => {
            response.resume();
            response.once('end', resolve);
          })
          .once('error', reject),
      );
      times.push(performance.now() - started);
    }
  } finally {
    agent.destroy();
  }
  return times;
}
