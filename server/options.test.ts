import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultDataDir, withDefaults } from './options.js';

const platform = process.platform;
afterEach(() => {
  Object.defineProperty(process, 'platform', { value: platform });
  vi.unstubAllEnvs();
});

function on(os: NodeJS.Platform): void {
  Object.defineProperty(process, 'platform', { value: os });
}

describe('defaultDataDir (env-paths)', () => {
  it('on Linux, the XDG data home as before: ~/.local/share/npy-studio/data', () => {
    on('linux');
    vi.stubEnv('XDG_DATA_HOME', '');
    expect(defaultDataDir()).toBe(join(homedir(), '.local', 'share', 'npy-studio', 'data'));
  });

  it('on Linux, $XDG_DATA_HOME when set', () => {
    on('linux');
    vi.stubEnv('XDG_DATA_HOME', '/srv/xdg');
    expect(defaultDataDir()).toBe(join('/srv/xdg', 'npy-studio', 'data'));
  });

  it('on macOS, Application Support as before', () => {
    on('darwin');
    expect(defaultDataDir()).toBe(join(homedir(), 'Library', 'Application Support', 'npy-studio', 'data'));
  });

  it('on Windows, the local (not roaming) app data', () => {
    on('win32');
    vi.stubEnv('LOCALAPPDATA', 'C:/Users/ada/AppData/Local');
    expect(defaultDataDir()).toBe(join('C:/Users/ada/AppData/Local', 'npy-studio', 'Data', 'data'));
  });

  it('on Windows, keeps using the roaming folder of earlier versions until the local one exists', () => {
    on('win32');
    vi.stubEnv('LOCALAPPDATA', 'C:/Users/ada/AppData/Local');
    vi.stubEnv('APPDATA', 'C:/Users/ada/AppData/Roaming');
    const local = join('C:/Users/ada/AppData/Local', 'npy-studio', 'Data', 'data');
    const roaming = join('C:/Users/ada/AppData/Roaming', 'npy-studio', 'data');
    expect(defaultDataDir((path) => path === roaming)).toBe(roaming);
    expect(defaultDataDir((path) => path === roaming || path === local)).toBe(local);
    expect(defaultDataDir(() => false)).toBe(local);
    on('linux');
    expect(defaultDataDir(() => true)).not.toBe(roaming);
  });

  it('is the default of withDefaults, and an explicit --data-dir wins', () => {
    expect(withDefaults({}).dataDir).toBe(defaultDataDir());
    expect(withDefaults({ dataDir: '/tmp/arrays' }).dataDir).toBe('/tmp/arrays');
  });
});
