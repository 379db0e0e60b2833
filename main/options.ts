import { parseArgs } from 'node:util';
import { InvalidServerAddress, type ServerAddress, parseServerAddress } from '../client/serverAddress.js';
import { SERVER_ARG_SPEC, SERVER_USAGE, UsageError, serverOptionsFromFlags } from '../server/cliOptions.js';
import type { ServerOptions } from '../server/options.js';

export const DESKTOP_USAGE = `Usage: npy-studio [options]

${SERVER_USAGE}
  --server-only          run the embedded server without a window; stop it with Ctrl+C or SIGTERM
  --remote URL           open the UI on a remote server (http or https) instead of starting one
  -h, --help             show this help`;

export type DesktopOptions =
  | { mode: 'window'; server: Partial<ServerOptions> }
  | { mode: 'server-only'; server: Partial<ServerOptions> }
  | { mode: 'remote'; remoteUrl: string }
  | { mode: 'help' };

const DESKTOP_ARG_SPEC = {
  ...SERVER_ARG_SPEC,
  'server-only': { type: 'boolean' },
  remote: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Reads our flags from an Electron argv. Electron and Chromium add switches of their own
 * (`--no-sandbox`, `--inspect=0`, the app path, ...), so unknown options and positionals are ignored.
 */
export function parseDesktopArgs(argv: readonly string[]): DesktopOptions {
  const { values, tokens } = parseArgs({ args: [...argv], options: DESKTOP_ARG_SPEC, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option' || !(token.name in DESKTOP_ARG_SPEC)) continue;
    const isString = DESKTOP_ARG_SPEC[token.name as keyof typeof DESKTOP_ARG_SPEC].type === 'string';
    if (isString && token.value === undefined) throw new UsageError(`${token.rawName} needs a value`);
    // parseArgs takes `--data-dir --port` as data dir "--port"; strict parsing would refuse it, so do we.
    if (isString && !token.inlineValue && token.value?.startsWith('-')) {
      throw new UsageError(
        `${token.rawName} needs a value, got ${JSON.stringify(token.value)} (write ${token.rawName}=VALUE if it starts with -)`,
      );
    }
    if (!isString && token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
  }
  if (values.help) return { mode: 'help' };

  // The checks above leave only string values (or lists of them) under our string flags.
  const serverFlags = Object.fromEntries(Object.keys(SERVER_ARG_SPEC).map((name) => [name, values[name]])) as Parameters<
    typeof serverOptionsFromFlags
  >[0];
  const remote = values.remote as string | undefined;
  if (remote === undefined) return { mode: values['server-only'] ? 'server-only' : 'window', server: serverOptionsFromFlags(serverFlags) };

  if (values['server-only']) throw new UsageError('--remote and --server-only cannot be combined');
  const given = Object.keys(serverFlags).filter((name) => values[name] !== undefined);
  if (given.length > 0)
    throw new UsageError(`--remote uses a remote server, so ${given.map((name) => `--${name}`).join(', ')} cannot be used with it`);
  return { mode: 'remote', remoteUrl: parseRemoteUrl(remote) };
}

/**
 * An http(s) base URL without a trailing slash. A `?token=` is refused: the address appears in the
 * window title and the log, and the app's connection form takes tokens apart.
 */
export function parseRemoteUrl(text: string): string {
  let address: ServerAddress;
  try {
    address = parseServerAddress(text);
  } catch (error) {
    if (error instanceof InvalidServerAddress) throw new UsageError(`--remote ${error.message}`);
    throw error;
  }
  if (address.token) throw new UsageError('--remote must not carry a ?token=: connect, then give the token in the app');
  return address.url;
}
