import { isIP } from 'node:net';

/**
 * Which Host names a server without a token answers to. DNS rebinding points a foreign name at
 * 127.0.0.1, so a page on that name would otherwise be "same-origin" with us; a name only reaches
 * us if it is loopback, the address we bound, or one the user named with --allow-host (as Jupyter
 * and Vite do). IP literals are safe as they are (rebinding needs a name), as Vite also decides.
 * An entry starting with a dot (`.example.org`) allows that domain and its subdomains.
 */
export function hostAllowlist(boundHost: string, allowedHosts: readonly string[]): (hostname: string) => boolean {
  const exact = new Set([normalize(boundHost), ...allowedHosts.map(normalize)]);
  const suffixes = allowedHosts.filter((h) => h.startsWith('.')).map(normalize);
  return (hostname) => {
    const name = normalize(hostname);
    if (name === 'localhost' || name.endsWith('.localhost') || isIP(name) !== 0 || exact.has(name)) return true;
    return suffixes.some((suffix) => name.endsWith(suffix) || name === suffix.slice(1));
  };
}

function normalize(host: string): string {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/** What a refused Host is told: the flag that would let it in. */
export function hostRefusalDetail(hostname: string): string {
  return (
    `Host ${JSON.stringify(hostname)} is not allowed: a server without a token answers only to localhost, ` +
    `IP addresses and names given with --allow-host (this protects it from DNS rebinding); ` +
    `start the server with --allow-host ${hostname}, or require a token with --token`
  );
}
