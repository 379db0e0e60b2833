import { ApiError, ConnectionError } from '../../../client/index.js';

/** What to tell the user about a failed request: the server's own `detail` where there is one. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    return typeof error.detail === 'string' ? error.detail : error.detail.map((issue) => `${issue.loc.join('.')}: ${issue.msg}`).join('; ');
  }
  if (error instanceof ConnectionError) return `Cannot reach the server at ${error.url}`;
  return error instanceof Error ? error.message : String(error);
}
