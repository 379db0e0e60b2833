import { describe, expect, it, vi } from 'vitest';
import type { ServerReady } from './serverMessages.js';
import { type RecoveryChoice, recoverServer } from './serverRecovery.js';

const ready: ServerReady = { type: 'ready', url: 'http://127.0.0.1:8000', browserUrl: 'http://127.0.0.1:8000/', port: 8000, dataDir: '/d' };

function deps(choices: RecoveryChoice[], restarts: (() => Promise<ServerReady>)[]) {
  return {
    ask: vi.fn((_detail: string) => Promise.resolve(choices.shift()!)),
    restart: vi.fn(() => restarts.shift()!()),
    restarted: vi.fn(),
    quit: vi.fn(),
  };
}

describe('recoverServer', () => {
  it('says how the server ended and restarts it when asked', async () => {
    const d = deps(['restart'], [() => Promise.resolve(ready)]);
    await recoverServer('signal SIGKILL', d);
    expect(d.ask).toHaveBeenCalledExactlyOnceWith(expect.stringContaining('stopped unexpectedly (signal SIGKILL)'));
    expect(d.restarted).toHaveBeenCalledExactlyOnceWith(ready);
    expect(d.quit).not.toHaveBeenCalled();
  });

  it('quits when the user chooses to', async () => {
    const d = deps(['quit'], []);
    await recoverServer('exit code 1', d);
    expect(d.restart).not.toHaveBeenCalled();
    expect(d.quit).toHaveBeenCalledOnce();
  });

  it('asks again with the reason when a restart fails', async () => {
    const d = deps(
      ['restart', 'restart'],
      [() => Promise.reject(new Error('ports 8000-8009 are all in use')), () => Promise.resolve(ready)],
    );
    await recoverServer('exit code 1', d);
    expect(d.ask.mock.calls.map(([detail]) => detail)).toEqual([
      expect.stringContaining('stopped unexpectedly (exit code 1)'),
      'The server could not be restarted: ports 8000-8009 are all in use',
    ]);
    expect(d.restarted).toHaveBeenCalledExactlyOnceWith(ready);
  });
});
