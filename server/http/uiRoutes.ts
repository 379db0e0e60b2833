import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router } from 'express';
import type { Logger } from '../logger.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (char) => ESCAPES[char]!);

function notBuiltPage(rendererDir: string): string {
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>NPY Studio: the UI is not built</title>
<h1>The NPY Studio UI is not built</h1>
<p>This server runs and its API answers, but there is no web UI in <code>${escapeHtml(rendererDir)}</code> yet.</p>
<p>Run <code>npm run build</code> in the project folder, then reload this page; the server need not restart.</p>
`;
}

/**
 * The built UI from `rendererDir`. Where it was never built (a fresh clone), `/` answers 503 with a page
 * saying how to build it, and start-up says so once, instead of a bare 404. The folder is looked at per
 * request, so a build made while the server runs is served at once.
 */
export function uiRoutes(rendererDir: string, logger: Logger): Router {
  const router = Router();
  if (!existsSync(join(rendererDir, 'index.html')))
    logger.warn(`the web UI is not built (no ${join(rendererDir, 'index.html')}): run \`npm run build\` to serve it at /`);
  router.use(express.static(rendererDir));
  // express.static answered `/` already if index.html exists.
  router.get('/', (_req, res) => {
    res.status(503).type('html').send(notBuiltPage(rendererDir));
  });
  return router;
}
