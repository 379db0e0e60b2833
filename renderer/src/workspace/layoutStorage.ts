import type { WorkspaceLayout } from './layout.js';

const AUTOSAVE_KEY = 'npy-studio.workspace.autosave';
const NAMED_KEY = 'npy-studio.workspace.layouts';

/**
 * Layouts kept in the page's local storage: the autosaved workspace and named layouts. In the
 * desktop app, Electron keeps local storage in the app's user-data folder, so layouts persist
 * there too.
 */
export class LayoutStorage {
  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage) {}

  autosaved(): unknown {
    return this.read(AUTOSAVE_KEY);
  }

  autosave(layout: WorkspaceLayout): void {
    this.write(AUTOSAVE_KEY, layout);
  }

  names(): string[] {
    return Object.keys(this.named()).sort();
  }

  load(name: string): unknown {
    return this.named()[name];
  }

  save(name: string, layout: WorkspaceLayout): void {
    this.write(NAMED_KEY, { ...this.named(), [name]: layout });
  }

  private named(): Record<string, unknown> {
    const value = this.read(NAMED_KEY);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  }

  private read(key: string): unknown {
    try {
      return JSON.parse(this.storage.getItem(key) ?? 'null');
    } catch {
      return null;
    }
  }

  private write(key: string, value: unknown): void {
    try {
      this.storage.setItem(key, JSON.stringify(value));
    } catch {
      // A full or disabled storage loses the autosave, not the workspace.
    }
  }
}
