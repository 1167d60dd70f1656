import { describe, expect, it } from 'vitest';
import { clientAddressIdentity } from '../../server/privacy/client-address.js';

describe('client address identity (issue 25)', () => {
  it('keeps an IPv4 address as it is, also IPv4-mapped', () => {
    expect(clientAddressIdentity('192.0.2.7', 64)).toBe('192.0.2.7');
    expect(clientAddressIdentity('::ffff:192.0.2.7', 64)).toBe('192.0.2.7');
    expect(clientAddressIdentity('::ffff:c000:207', 64)).toBe('192.0.2.7');
  });

  it('makes one client of a /64 however its addresses are written', () => {
    const one = clientAddressIdentity('2001:db8:aa:bb::1', 64);
    for (const address of ['2001:db8:aa:bb:ffff:ffff:ffff:ffff', '2001:0db8:00aa:00bb:0:0:0:2', '2001:db8:aa:bb::1.2.3.4', '2001:db8:aa:bb::1%eth0']) {
      expect(clientAddressIdentity(address, 64)).toBe(one);
    }
    expect(clientAddressIdentity('2001:db8:aa:bc::1', 64)).not.toBe(one);
    expect(one).toBe('20010db800aa00bb0000000000000000/64');
  });

  it('follows the configured prefix', () => {
    expect(clientAddressIdentity('2001:db8:aa:bb::1', 48)).toBe(clientAddressIdentity('2001:db8:aa:ff::9', 48));
    expect(clientAddressIdentity('2001:db8::1', 128)).not.toBe(clientAddressIdentity('2001:db8::2', 128));
    expect(clientAddressIdentity('2001:db8:0:0:0:0:0:1', 60)).toBe(clientAddressIdentity('2001:db8:0:f::1', 60));
    expect(clientAddressIdentity('2001:db8:0:10::1', 60)).not.toBe(clientAddressIdentity('2001:db8:0:f::1', 60));
  });
});
