/** Security headers computed once give every response exactly what helmet itself would set. */
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from '../server/http/guard.js';
import { precomputedHeaders } from '../server/http/staticHeaders.js';

async function headersOf(middleware: RequestHandler): Promise<Record<string, string>> {
  const app = express();
  app.use(middleware);
  app.get('/health', (_req, res) => res.json({ status: 'healthy' }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/health`);
    const headers = Object.fromEntries(response.headers);
    delete headers.date;
    return headers;
  } finally {
    server.close();
  }
}

describe('precomputed security headers', () => {
  it('equal the headers helmet sets, X-Powered-By removed included', async () => {
    const direct = await headersOf(securityHeaders());
    expect(direct['content-security-policy']).toContain("default-src 'self'");
    expect(direct['x-powered-by']).toBeUndefined();
    expect(await headersOf(precomputedHeaders(securityHeaders()))).toEqual(direct);
  });

  it('refuses a middleware that does not finish at once', () => {
    expect(() => precomputedHeaders((_req, _res, next) => setImmediate(next))).toThrow(/next\(\) at once/);
  });
});
