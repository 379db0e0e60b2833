export const TABS = ['live', 'workspace', 'arrays', 'connection'] as const;
export type TabName = (typeof TABS)[number];

function isTab(name: string): name is TabName {
  return (TABS as readonly string[]).includes(name);
}

/** Tabs shown by the URL fragment (#live, #workspace, #arrays, #connection), so a view can be linked to. */
export class Tabs extends EventTarget {
  current: TabName = 'live';

  constructor(
    private readonly buttons: Record<TabName, HTMLElement>,
    private readonly views: Record<TabName, HTMLElement>,
  ) {
    super();
    for (const name of TABS) buttons[name].addEventListener('click', () => (location.hash = name));
    window.addEventListener('hashchange', () => this.showFromHash());
    this.showFromHash();
  }

  private showFromHash(): void {
    const requested = location.hash.slice(1);
    this.current = isTab(requested) ? requested : 'live';
    for (const name of TABS) {
      const active = name === this.current;
      this.views[name].hidden = !active;
      this.buttons[name].setAttribute('aria-selected', String(active));
    }
    this.dispatchEvent(new Event('change'));
  }
}
