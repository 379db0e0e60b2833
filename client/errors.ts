import type { ErrorBody } from '../common/protocol.js';

/** A request the server refused, with its `detail` and its HTTP status (for a refused WebSocket, its close code). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: ErrorBody['detail'],
  ) {
    super(`${status}: ${typeof detail === 'string' ? detail : detail.map((d) => `${d.loc.join('.')}: ${d.msg}`).join('; ')}`);
    this.name = 'ApiError';
  }
}

/** The server could not be reached at all. */
export class ConnectionError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`cannot reach ${url}: ${rootReason(cause)}`, { cause });
    this.name = 'ConnectionError';
  }
}

/** fetch reports every network failure as "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND…) is in its causes. */
function rootReason(err: unknown): string {
  let reason = err as { message?: string; code?: string; cause?: unknown } | undefined;
  while (reason?.cause instanceof Error) reason = reason.cause;
  return reason?.message || reason?.code || String(err);
}

export async function errorFromResponse(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Partial<ErrorBody>;
    if (body.detail !== undefined) return new ApiError(response.status, body.detail);
  } catch {
    // Not our JSON error body: a proxy or another server answered.
  }
  return new ApiError(response.status, text.slice(0, 200) || response.statusText);
}
