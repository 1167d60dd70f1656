// What a DKIM signing domain and selector may look like (RFC 6376 §3.1, §3.5: DNS labels), for the
// moderator's key requests and the operator's pins: nothing else reaches a DNS query.
export const DKIM_DOMAIN_PATTERN = '^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$';
export const DKIM_SELECTOR_PATTERN = '^(?=.{1,200}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$';

export const isDkimDomain = (value: string) => new RegExp(DKIM_DOMAIN_PATTERN).test(value);
export const isDkimSelector = (value: string) => new RegExp(DKIM_SELECTOR_PATTERN).test(value);

/** The platform a signing domain belongs to: its own entry, or the nearest parent domain's. */
export function platformOfDomain(domain: string, mapping: ReadonlyArray<{ domain: string; platform: string }>): string | undefined {
  const labels = domain.toLowerCase().split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const candidate = labels.slice(i).join('.');
    const found = mapping.find((entry) => entry.domain === candidate);
    if (found) return found.platform;
  }
  return undefined;
}
