import WebSocket from 'ws';

type SendOptions = Parameters<WebSocket['send']>[1] & object;
type SendCallback = (err?: Error) => void;

/** Sends whose bytes have not reached the kernel yet; each costs far more memory than its bytes, so they are counted too. */
const MAX_PENDING_SENDS = 1024;

/**
 * The server's WebSocket: the boundary for every event handler on it, and backpressure for what it sends.
 *
 * - A handler that throws (for any message, however hostile) is reported in one line and the peer is
 *   closed with 1011; it never reaches the process as an uncaught exception.
 * - A peer that keeps sending but never reads our replies (pongs, errors) would make us queue without
 *   bound; once too much is queued for it we stop reading from it, so TCP pushes back on the peer, and
 *   read again when the queue has half drained.
 */
export class GuardedWebSocket extends WebSocket {
  /** Where a throwing handler is reported; set by the server on connection. */
  reportHandlerError: (error: unknown) => void = () => {};
  /** Queued bytes beyond which this peer's messages wait; set by the server on connection. */
  maxQueuedBytes = Infinity;
  private pendingSends = 0;

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    let handled = true;
    this.guard(() => {
      handled = super.emit(event, ...args);
      if (event === 'message' && this.overQueued(1)) this.pause();
    });
    return handled;
  }

  /** Runs `work` (such as setting up the handlers) inside the same boundary as the handlers themselves. */
  guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.reportHandlerError(error);
      if (this.readyState === WebSocket.OPEN) this.close(1011, 'the server could not process a message');
    }
  }

  override send(data: Parameters<WebSocket['send']>[0], optionsOrCallback?: SendOptions | SendCallback, callback?: SendCallback): void {
    const options = typeof optionsOrCallback === 'function' ? {} : (optionsOrCallback ?? {});
    const done = typeof optionsOrCallback === 'function' ? optionsOrCallback : callback;
    this.pendingSends++;
    super.send(data, options, (err) => {
      this.pendingSends--;
      if (this.isPaused && !this.overQueued(0.5)) this.resume();
      done?.(err);
    });
  }

  private overQueued(fraction: number): boolean {
    return this.pendingSends > MAX_PENDING_SENDS * fraction || this.bufferedAmount > this.maxQueuedBytes * fraction;
  }
}
