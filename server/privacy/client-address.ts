// One client's address as limits see it (DESIGN §7): an IPv6 subscriber gets a whole /64 (or the
// configured prefix), so rotating through its addresses does not multiply its budget.
import { isIPv4, isIPv6 } from 'node:net';

/** Expands an IPv6 address to its 16 bytes (an embedded IPv4 tail included); undefined when it is not one. */
function ipv6Bytes(address: string): Uint8Array | undefined {
  if (!isIPv6(address)) return undefined;
  let text = address.split('%')[0]!;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -tail[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = rest === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - restGroups.length).fill('0'), ...restGroups];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  return bytes;
}

const IPV4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** The identity of a client address: an IPv4 address as it is (also when IPv4-mapped), an IPv6 address cut to `prefix` bits. */
export function clientAddressIdentity(address: string, prefix: number): string {
  if (isIPv4(address)) return address;
  const bytes = ipv6Bytes(address);
  if (!bytes) return address;
  if (IPV4_MAPPED_PREFIX.every((b, i) => bytes[i] === b)) return Array.from(bytes.slice(12)).join('.');
  for (let bit = prefix; bit < 128; bit++) bytes[bit >> 3] = bytes[bit >> 3]! & ~(0x80 >> (bit & 7));
  return `${Buffer.from(bytes).toString('hex')}/${prefix}`;
}
