import { describe, expect, it } from 'vitest';
import { APP_ORIGIN } from '../common/desktop.js';
import { SERVER_ARG_SPEC, UsageError } from '../server/cliOptions.js';
import { DESKTOP_USAGE, parseDesktopArgs, parseRemoteUrl } from './options.js';

describe('parseDesktopArgs', () => {
  it('defaults to a window with an embedded server on the server defaults', () => {
    const options = parseDesktopArgs([]);
    expect(options.mode).toBe('window');
    expect(Object.entries((options as { server: object }).server).filter(([, value]) => value !== undefined)).toEqual([]);
  });

  it('reads every server flag through the shared server parser', () => {
    const argv = ['--host', '0.0.0.0', '--port', '9000', '--data-dir', '/tmp/npy', '--max-upload', '500MB', '--rate', '50'];
    argv.push('--allow-origin', 'http://lab-pc:8000', '--allow-origin', 'https://a.example/', '--token', 'secret', '--no-auth');
    argv.push('--lookback', '30,16MiB');
    argv.push('--allow-host', 'Lab-PC');
    expect(Object.keys(SERVER_ARG_SPEC).every((flag) => argv.includes(`--${flag}`))).toBe(true);
    expect(parseDesktopArgs(argv)).toEqual({
      mode: 'window',
      server: {
        host: '0.0.0.0',
        port: 9000,
        dataDir: '/tmp/npy',
        maxUploadBytes: 500e6,
        streamRate: 50,
        allowedOrigins: [APP_ORIGIN, 'http://lab-pc:8000', 'https://a.example'],
        allowedHosts: ['lab-pc'],
        token: 'secret',
        noAuth: true,
        lookback: { seconds: 30, channelBytes: 16 * 2 ** 20, totalBytes: 512 * 2 ** 20 },
      },
    });
  });

  it('accepts --flag=value and port 0', () => {
    expect(parseDesktopArgs(['--port=0', '--data-dir=/d'])).toMatchObject({ mode: 'window', server: { port: 0, dataDir: '/d' } });
  });

  it('selects headless mode with --server-only', () => {
    expect(parseDesktopArgs(['--server-only', '--port', '8123'])).toMatchObject({ mode: 'server-only', server: { port: 8123 } });
  });

  it('ignores the switches and positionals Electron, Chromium and Playwright add', () => {
    const argv = [
      '.',
      '--no-sandbox',
      '--inspect=0',
      '--remote-debugging-port=0',
      '--enable-logging',
      '-psn_0_12345',
      '--port',
      '8001',
      '--ozone-platform=headless',
    ];
    expect(parseDesktopArgs(argv)).toMatchObject({ mode: 'window', server: { port: 8001 } });
  });

  it('returns help for --help and -h', () => {
    expect(parseDesktopArgs(['--help'])).toEqual({ mode: 'help' });
    expect(parseDesktopArgs(['--no-sandbox', '-h'])).toEqual({ mode: 'help' });
    expect(DESKTOP_USAGE).toContain('--server-only');
    expect(DESKTOP_USAGE).toContain('--remote URL');
    expect(DESKTOP_USAGE).toContain('--data-dir DIR');
  });

  it.each([
    [['--port', 'abc'], /invalid port "abc"/],
    [['--port', '70000'], /invalid port "70000"/],
    [['--rate', '0'], /invalid rate "0"/],
    [['--max-upload', 'lots'], /cannot read size "lots"/],
    [['--port'], /--port needs a value/],
    [['--data-dir'], /--data-dir needs a value/],
    [['--data-dir', '--server-only'], /--data-dir needs a value, got "--server-only"/],
    [['--server-only=yes'], /--server-only takes no value/],
    [['--allow-origin'], /--allow-origin needs a value/],
    [['--allow-origin', 'nonsense'], /invalid origin "nonsense"/],
  ])('rejects %j with a clear UsageError', (argv, message) => {
    expect(() => parseDesktopArgs(argv)).toThrow(UsageError);
    expect(() => parseDesktopArgs(argv)).toThrow(message);
  });

  it('allows a value starting with - when written with =', () => {
    expect(parseDesktopArgs(['--data-dir=-odd-name'])).toMatchObject({ server: { dataDir: '-odd-name' } });
  });

  it('opens a remote server with --remote and starts nothing', () => {
    expect(parseDesktopArgs(['--remote', 'http://192.168.1.20:8000/'])).toEqual({ mode: 'remote', remoteUrl: 'http://192.168.1.20:8000' });
    expect(parseDesktopArgs(['--no-sandbox', '--remote=https://npy.example.org/studio'])).toEqual({
      mode: 'remote',
      remoteUrl: 'https://npy.example.org/studio',
    });
  });

  it('refuses --remote combined with --server-only or server flags', () => {
    expect(() => parseDesktopArgs(['--remote', 'http://h:8000', '--server-only'])).toThrow('--remote and --server-only cannot be combined');
    expect(() => parseDesktopArgs(['--remote', 'http://h:8000', '--port', '9000', '--data-dir', '/d'])).toThrow(
      '--remote uses a remote server, so --port, --data-dir cannot be used with it',
    );
  });
});

describe('parseRemoteUrl', () => {
  it('reads the address as the CLI and the app do, without a trailing slash', () => {
    expect(parseRemoteUrl('http://localhost:8000')).toBe('http://localhost:8000');
    expect(parseRemoteUrl('192.168.1.20:8000/')).toBe('http://192.168.1.20:8000');
    expect(parseRemoteUrl('https://[::1]:8443/#top')).toBe('https://[::1]:8443');
    expect(parseRemoteUrl('HTTP://Example.ORG/api//')).toBe('http://example.org/api');
  });

  it.each([
    ['not a url', /--remote "not a url" is not a URL/],
    ['', /--remote is empty/],
    ['file:///etc/passwd', /--remote must be an http:\/\/ or https:\/\/ URL, not file:/],
    ['ws://host:8000', /not ws:/],
    ['http://user:secret@host:8000', /must not contain a user name or password/],
    ['http://host:8000/?token=abc', /must not carry a \?token=/],
  ])('rejects %j', (text, message) => {
    expect(() => parseRemoteUrl(text)).toThrow(UsageError);
    expect(() => parseRemoteUrl(text)).toThrow(message);
  });
});
