import { NpyClient, type ServerAddress } from '../../../client/index.js';
import type { HealthResponse } from '../../../common/protocol.js';
import { errorText } from '../data/errorText.js';

export type HealthState = { ok: true; health: HealthResponse } | { ok: false; error: string } | { ok: null };

const HEALTH_POLL_MS = 5_000;

/**
 * The server the UI talks to. Views listen for `change` (another server was chosen: reload
 * everything) and `health` (the latest health check).
 */
export class ServerConnection extends EventTarget {
  client: NpyClient;
  address: ServerAddress;
  health: HealthState = { ok: null };
  private healthTimer?: ReturnType<typeof setInterval>;

  constructor(address: ServerAddress) {
    super();
    this.address = address;
    this.client = new NpyClient({ baseUrl: address.url, token: address.token });
  }

  get url(): string {
    return this.address.url;
  }

  /** Checks health now and then every few seconds. */
  watchHealth(): void {
    clearInterval(this.healthTimer);
    void this.checkHealth();
    this.healthTimer = setInterval(() => void this.checkHealth(), HEALTH_POLL_MS);
  }

  async checkHealth(): Promise<HealthState> {
    const client = this.client;
    let state: HealthState;
    try {
      state = { ok: true, health: await client.health() };
    } catch (error) {
      state = { ok: false, error: errorText(error) };
    }
    // A check that started before a switch says nothing about the new server.
    if (client !== this.client) return this.health;
    this.health = state;
    this.dispatchEvent(new Event('health'));
    return state;
  }

  switchTo(address: ServerAddress): void {
    this.address = address;
    this.client = new NpyClient({ baseUrl: address.url, token: address.token });
    this.health = { ok: null };
    this.dispatchEvent(new Event('change'));
    this.watchHealth();
  }
}
