/**
 * Host names of this machine. A configured platform API URL on one of them is a local fake
 * (tests): only then is its origin trusted beside the platform's real file hosts, and fast
 * retry policies used.
 */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** True when `url` points at this machine. */
export function isLoopbackUrl(url: string | URL): boolean {
  return LOOPBACK_HOSTS.has(new URL(url).hostname);
}
