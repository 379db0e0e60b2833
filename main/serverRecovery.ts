/** What the app does when its server process dies: ask the user, restart it until that works or they quit. */
import type { ServerReady } from './serverMessages.js';

export type RecoveryChoice = 'restart' | 'quit';

export interface RecoveryDeps {
  /** Shows what went wrong (in the app: a dialog with Restart server and Quit buttons). */
  ask(detail: string): Promise<RecoveryChoice>;
  restart(): Promise<ServerReady>;
  restarted(ready: ServerReady): void;
  quit(): void;
}

export async function recoverServer(how: string, deps: RecoveryDeps): Promise<void> {
  let detail = `The server process stopped unexpectedly (${how}). Uploads in progress were lost; stored arrays are kept.`;
  for (;;) {
    if ((await deps.ask(detail)) === 'quit') {
      deps.quit();
      return;
    }
    try {
      deps.restarted(await deps.restart());
      return;
    } catch (err) {
      detail = `The server could not be restarted: ${(err as Error).message}`;
    }
  }
}
