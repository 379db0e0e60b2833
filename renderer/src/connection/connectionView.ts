import type { DesktopConfig } from '../../../common/desktop.js';
import { byTestId, h, setReadout } from '../app/dom.js';
import type { ServerConnection } from '../app/serverConnection.js';
import { formatCount } from '../data/format.js';
import type { RecentHosts } from './recentHosts.js';
import { type ServerAddress, parseServerAddress } from '../../../client/index.js';

/** The Connection tab and the header's server badge: which server, is it healthy, switch to another. */
export class ConnectionView {
  private readonly urlInput: HTMLInputElement;
  private readonly tokenInput: HTMLInputElement;
  private readonly formError: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly server: ServerConnection,
    private readonly recent: RecentHosts,
    desktop: DesktopConfig | undefined,
  ) {
    this.urlInput = byTestId('connection-url-input', root);
    this.tokenInput = byTestId('connection-token-input', root);
    this.formError = byTestId('connection-error', root);
    setReadout(
      byTestId('connection-mode', root),
      desktop
        ? desktop.mode === 'embedded'
          ? `desktop app ${desktop.version}, built-in server`
          : `desktop app ${desktop.version}, remote server`
        : 'browser',
      desktop?.mode ?? 'browser',
    );
    byTestId<HTMLFormElement>('connection-form', root).addEventListener('submit', (event) => {
      event.preventDefault();
      this.connectTyped();
    });
    byTestId('connection-check', root).addEventListener('click', () => void server.checkHealth());
    byTestId('server-badge').addEventListener('click', () => (location.hash = 'connection'));
    server.addEventListener('health', () => this.renderHealth());
    server.addEventListener('change', () => this.renderServer());
    recent.remember(server.address);
    this.renderServer();
  }

  private connectTyped(): void {
    let address: ServerAddress;
    try {
      address = parseServerAddress(this.urlInput.value, this.tokenInput.value);
    } catch (error) {
      setReadout(this.formError, `The server address ${(error as Error).message}`);
      this.formError.hidden = false;
      return;
    }
    this.formError.hidden = true;
    this.urlInput.value = this.tokenInput.value = '';
    this.connect(address);
  }

  private connect(chosen: ServerAddress): void {
    const address = this.recent.withRememberedToken(chosen);
    this.recent.remember(address);
    this.renderRecent();
    // Keep the choice across reloads, as if the page had been opened with ?server= (the token stays in storage, out of the address bar).
    const page = new URL(location.href);
    page.searchParams.set('server', address.url);
    history.replaceState(null, '', page);
    const current = this.server.address;
    if (address.url === current.url && address.token === current.token) void this.server.checkHealth();
    else this.server.switchTo(address);
  }

  private renderServer(): void {
    setReadout(byTestId('connection-current-url', this.root), this.server.url);
    setReadout(byTestId('server-badge-url'), this.server.url.replace(/^https?:\/\//, ''));
    this.renderRecent();
    this.renderHealth();
  }

  private renderHealth(): void {
    const { health } = this.server;
    const state = health.ok === null ? 'unknown' : health.ok ? 'ok' : 'error';
    const summary = byTestId('connection-health', this.root);
    setReadout(summary, health.ok === null ? 'checking…' : health.ok ? 'healthy' : health.error, state);
    summary.dataset.state = state;
    byTestId('server-badge').dataset.state = state;
    byTestId('server-badge').title = `${this.server.url}: ${summary.textContent}`;
    setReadout(byTestId('connection-version', this.root), health.ok ? health.health.version : '—');
    setReadout(
      byTestId('connection-arrays', this.root),
      health.ok ? formatCount(health.health.arrays) : '—',
      health.ok ? health.health.arrays : '',
    );
    setReadout(byTestId('connection-demo', this.root), health.ok ? (health.health.streaming ? 'streaming' : 'stopped') : '—');
  }

  private renderRecent(): void {
    const items = this.recent.list().map((address) => {
      const { url } = address;
      const use = h('button', { type: 'button', class: 'link', 'data-testid': 'connection-recent-use' }, url);
      use.addEventListener('click', () => this.connect(address));
      const forget = h(
        'button',
        { type: 'button', class: 'icon', title: `Forget ${url}`, 'aria-label': `Forget ${url}`, 'data-testid': 'connection-recent-forget' },
        '×',
      );
      forget.addEventListener('click', () => {
        this.recent.forget(url);
        this.renderRecent();
      });
      const current = url === this.server.url;
      const tags = [
        address.token ? h('span', { class: 'tag muted-tag', title: 'An access token is stored for this server' }, 'token') : '',
        current ? h('span', { class: 'tag' }, 'current') : forget,
      ];
      return h(
        'li',
        { 'data-testid': 'connection-recent-item', 'data-url': url, 'aria-current': String(current) },
        use,
        h('span', { class: 'tags' }, ...tags),
      );
    });
    byTestId('connection-recent', this.root).replaceChildren(...items);
  }
}
