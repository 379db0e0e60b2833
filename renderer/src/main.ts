import 'virtual:dockview-core.css';
import './styles.css';
import { ArraysView } from './arrays/arraysView.js';
import { desktopConfig } from './app/desktop.js';
import { byTestId } from './app/dom.js';
import { ServerConnection } from './app/serverConnection.js';
import { TABS, type TabName, Tabs } from './app/tabs.js';
import { exposeLiveStats } from './app/testHook.js';
import { ConnectionView } from './connection/connectionView.js';
import { RecentHosts, pageStorage } from './connection/recentHosts.js';
import { initialServer } from './connection/serverAddress.js';
import { LiveView } from './live/liveView.js';
import { exposeWorkspaceStats } from './app/workspaceHook.js';
import { WorkspaceView } from './workspace/workspaceView.js';

async function main(): Promise<void> {
  // A file dropped outside the drop zone would otherwise replace the app with the file.
  for (const type of ['dragover', 'drop']) window.addEventListener(type, (event) => event.preventDefault());

  const desktop = await desktopConfig();
  const recent = new RecentHosts(pageStorage());
  const server = new ServerConnection(
    recent.withRememberedToken(initialServer({ search: location.search, desktopServerUrl: desktop?.serverUrl, origin: location.origin })),
  );
  const live = new LiveView(byTestId('view-live'), server);
  const workspace = new WorkspaceView(byTestId('view-workspace'), server);
  const arrays = new ArraysView(byTestId('view-arrays'), server, (recording) => {
    location.hash = 'workspace';
    void workspace.playRecording(recording);
  });
  new ConnectionView(byTestId('view-connection'), server, recent, desktop);
  exposeLiveStats(() => live.stats());
  exposeWorkspaceStats(() => workspace.stats());

  const tabs = new Tabs(
    Object.fromEntries(TABS.map((name) => [name, byTestId(`tab-${name}`)])) as Record<TabName, HTMLElement>,
    Object.fromEntries(TABS.map((name) => [name, byTestId(`view-${name}`)])) as Record<TabName, HTMLElement>,
  );
  const activate = () => {
    live.setActive(tabs.current === 'live');
    workspace.setActive(tabs.current === 'workspace');
    arrays.setActive(tabs.current === 'arrays');
  };
  tabs.addEventListener('change', activate);
  activate();
  server.watchHealth();
  document.body.dataset.ready = 'true';
}

void main();
