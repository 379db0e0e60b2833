import type { DesktopBridge, DesktopConfig } from '../../../common/desktop.js';

declare global {
  interface Window {
    /** Present only inside the desktop app (its preload exposes it). */
    npyStudio?: DesktopBridge;
  }
}

export async function desktopConfig(): Promise<DesktopConfig | undefined> {
  try {
    return await window.npyStudio?.getConfig();
  } catch {
    return undefined;
  }
}
