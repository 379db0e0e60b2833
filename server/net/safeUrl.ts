/**
 * The server's one reader of URLs and Host headers that arrive from the network. Nothing here throws,
 * and its patterns have no nested quantifiers, so hostile input costs linear time.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** The path and query of a request; never derived from the Host header. */
export interface RequestTarget {
  readonly pathname: string;
  readonly searchParams: URLSearchParams;
}

// A fixed base: relative targets resolve against it, so nothing the client sends becomes "our" host.
const TARGET_BASE = 'http://request-target.invalid';

/** The request line's target (origin-form or absolute-form), or undefined when it is not a URL. */
function parseRequestTarget(raw: string | undefined): RequestTarget | undefined {
  try {
    const url = new URL(raw ?? '/', TARGET_BASE);
    return { pathname: url.pathname, searchParams: url.searchParams };
  } catch {
    return undefined;
  }
}

const parsedTargets = new WeakMap<IncomingMessage, RequestTarget | null>();

/** The target of a request as it arrived, parsed once however many guards ask (boundary, access guard, upgrade). */
export function requestTarget(req: IncomingMessage): RequestTarget | undefined {
  let target = parsedTargets.get(req);
  if (target === undefined) parsedTargets.set(req, (target = parseRequestTarget(req.url) ?? null));
  return target ?? undefined;
}

/** A syntactically valid Host header: a lower-case name or IP (IPv6 without brackets) and an optional port. */
export interface HostHeader {
  readonly hostname: string;
  readonly port?: number;
}

const HOST_HEADER = /^(?:\[([0-9a-f:.]{2,45})\]|([a-z0-9_-][a-z0-9._-]{0,252}))(?::(\d{1,5}))?$/i;

export function parseHostHeader(value: string | undefined): HostHeader | undefined {
  const match = HOST_HEADER.exec(value ?? '');
  if (!match) return undefined;
  const [, ipv6, name, portText] = match;
  if (ipv6 !== undefined && isIP(ipv6) !== 6) return undefined;
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && port > 65535) return undefined;
  return { hostname: (ipv6 ?? name!).toLowerCase(), port };
}

/** The origin a browser reports for a page it loaded from this Host (default port omitted, as browsers do). */
export function hostOrigin({ hostname, port }: HostHeader): string {
  const host = hostname.includes(':') ? `[${hostname}]` : hostname;
  return port === undefined || port === 80 ? `http://${host}` : `http://${host}:${port}`;
}
