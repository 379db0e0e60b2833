import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestServer, capturingLogger, startTestServer } from './helpers/server.js';

let dir: string;
let server: TestServer | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'npy-ui-'));
});
afterEach(async () => {
  await server?.dispose();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('the UI at /', () => {
  it('on an unbuilt clone, / says to run `npm run build` and start-up warns once; the API still answers', async () => {
    const logger = capturingLogger();
    const rendererDir = join(dir, 'dist', 'renderer');
    server = await startTestServer({ rendererDir, logger });
    expect(logger.warnings).toEqual([
      `the web UI is not built (no ${join(rendererDir, 'index.html')}): run \`npm run build\` to serve it at /`,
    ]);

    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toContain('<title>NPY Studio: the UI is not built</title>');
    expect(page).toContain('Run <code>npm run build</code>');
    expect(page).toContain(rendererDir);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/assets/app.js`)).status).toBe(404);
  });

  it('serves a build made while the server runs, without a restart', async () => {
    const rendererDir = join(dir, 'renderer');
    server = await startTestServer({ rendererDir });
    expect((await fetch(`${server.url}/`)).status).toBe(503);

    mkdirSync(rendererDir, { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>built</title>');
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<!doctype html><title>built</title>');
  });

  it('escapes the folder name in the page', async () => {
    server = await startTestServer({ rendererDir: join(dir, '<b>&"x"') });
    const page = await (await fetch(`${server.url}/`)).text();
    expect(page).toContain('&lt;b&gt;&amp;&quot;x&quot;');
    expect(page).not.toContain('<b>');
  });

  it('without a renderer folder (an API-only server), / is the usual 404', async () => {
    server = await startTestServer();
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ detail: 'Not Found' });
  });
});
