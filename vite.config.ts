import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Plugin, defineConfig } from 'vite';
import { CSP_DIRECTIVES, serializeCsp } from './common/contentSecurityPolicy.js';

const fromHere = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The page's own copy of the shared Content-Security-Policy, for wherever it is loaded from.
 * `frame-ancestors` only works as a header (a <meta> with it just logs an error). Vite's dev server
 * (`npx vite`, hot reload) injects styles inline, so only there inline styles are allowed.
 */
function contentSecurityPolicyMeta(): Plugin {
  let dev = false;
  return {
    name: 'npy-studio:csp-meta',
    configResolved: (config) => void (dev = config.command === 'serve'),
    transformIndexHtml: () => {
      const { 'frame-ancestors': _headerOnly, ...directives }: Record<string, readonly string[]> = CSP_DIRECTIVES;
      if (dev) directives['style-src'] = [...directives['style-src']!, "'unsafe-inline'"];
      return [
        { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: serializeCsp(directives) }, injectTo: 'head-prepend' },
      ];
    },
  };
}

/**
 * dockview-core's stylesheet as `virtual:dockview-core.css`. Its ES module build ships no CSS file;
 * its UMD build carries the stylesheet as one string that it would inject inline, which our
 * Content-Security-Policy (style-src 'self') forbids. This serves that string as a real stylesheet.
 */
function dockviewCss(): Plugin {
  const id = 'virtual:dockview-core.css';
  return {
    name: 'npy-studio:dockview-css',
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    load(resolved) {
      if (resolved !== `\0${id}`) return undefined;
      const bundle = readFileSync(fromHere('./node_modules/dockview-core/dist/dockview-core.js'), 'utf8');
      const css = /\.textContent = ("(?:[^"\\]|\\.)*");/.exec(bundle)?.[1];
      if (!css) throw new Error('dockview-core: its stylesheet was not found in dist/dockview-core.js');
      return JSON.parse(css) as string;
    },
  };
}

export default defineConfig({
  root: fromHere('./renderer'),
  // Relative asset URLs: the same build is served by the server at `/` and by Electron at `app://npy-studio/`.
  base: './',
  plugins: [contentSecurityPolicyMeta(), dockviewCss()],
  build: {
    outDir: fromHere('./dist/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    // Chart.js alone is ~200 kB; one chunk loads fastest from local disk or a LAN server.
    chunkSizeWarningLimit: 1024,
  },
});
