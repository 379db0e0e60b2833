import type { WorkspaceStats } from './workspaceStats.js';

declare global {
  interface Window {
    readonly __npyWorkspace?: Readonly<WorkspaceStats>;
  }
}

/** A read-only snapshot per read of the workspace, for tests and the bench. */
export function exposeWorkspaceStats(read: () => WorkspaceStats): void {
  Object.defineProperty(window, '__npyWorkspace', { get: () => Object.freeze(read()), configurable: false });
}
