/** The subset of the WHATWG WebSocket the client uses; browsers' and the `ws` package's both fit, uncast. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string | ArrayBufferLike | Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
}
/** Method syntax makes the parameter bivariant, so handlers typed for the DOM's or ws's richer events fit. */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];
export type WebSocketFactory = (url: string) => WebSocketLike;

export type ConnectionState = 'connecting' | 'open' | 'closed';
export type ConnectionListener = (state: ConnectionState, info: { attempt: number; code?: number; reason?: string }) => void;

export interface CloseInfo {
  code: number;
  reason: string;
  /** What the socket's error event said, if anything (Node's `ws` names the network error; browsers say nothing). */
  error?: string;
}

const OPEN = 1;
const BACKOFF_START_MS = 250;
const BACKOFF_MAX_MS = 10_000;

/** A WebSocket connection that reconnects with exponential backoff after an unexpected close, until `close()`. */
export abstract class ReconnectingSocket {
  protected socket?: WebSocketLike;
  private attempt = 0;
  private closedByUser = false;
  private retryTimer?: ReturnType<typeof setTimeout>;

  constructor(
    readonly url: string,
    private readonly createSocket: WebSocketFactory,
    private readonly onConnection?: ConnectionListener,
  ) {}

  close(): void {
    this.closedByUser = true;
    clearTimeout(this.retryTimer);
    this.socket?.close(1000, 'client closed');
  }

  protected get isOpen(): boolean {
    return this.socket?.readyState === OPEN;
  }

  protected sendJson(message: unknown): void {
    if (this.isOpen) this.socket!.send(JSON.stringify(message));
  }

  /** Subclasses call this at the end of their constructor. */
  protected connect(): void {
    this.onConnection?.('connecting', { attempt: this.attempt });
    const socket = this.createSocket(this.url);
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    let error: string | undefined;
    socket.onopen = () => {
      this.attempt = 0;
      this.onConnection?.('open', { attempt: 0 });
      this.opened();
    };
    socket.onmessage = (event) => this.received(event.data);
    socket.onerror = (event) => (error = (event as { message?: string })?.message);
    socket.onclose = ({ code, reason }) => {
      this.onConnection?.('closed', { attempt: this.attempt, code, reason });
      const retry = this.closed({ code, reason, error });
      if (this.closedByUser || !retry) return;
      const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** this.attempt++) * (0.75 + Math.random() / 2);
      this.retryTimer = setTimeout(() => this.connect(), delay);
    };
  }

  protected abstract opened(): void;
  protected abstract received(data: unknown): void;
  /** Called on every close; returns whether to reconnect (unless the user closed). */
  protected abstract closed(info: CloseInfo): boolean;
}
