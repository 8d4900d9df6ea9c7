import { classifyAddress, OutboundAddressPolicy, parseAllowedHosts, parseIPv6 } from './outbound-address.policy';

describe('outbound address policy', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.10.1', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
  ])('classifies IPv4 %s as %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it.each([
    ['2606:4700:4700::1111', 'public'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['[::1]', 'loopback'],
  ])('classifies IPv6 %s as %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['0:0:0:0:0:ffff:c0a8:0101', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:7f00:1::', 'loopback'],
  ])('classifies the IPv4 inside IPv6 %s as %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it('refuses what does not parse as an address', () => {
    expect(classifyAddress('localhost')).toBe('reserved');
    expect(classifyAddress('1.2.3')).toBe('reserved');
    expect(classifyAddress('1:2:3:4:5:6:7:8:9')).toBe('reserved');
    expect(classifyAddress('1::2::3')).toBe('reserved');
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('takes http(s) URLs without credentials only', () => {
    const policy = new OutboundAddressPolicy();

    expect(policy.refuseUrl(new URL('https://cdn.example/a.jpg'))).toBeUndefined();
    expect(policy.refuseUrl(new URL('file:///etc/passwd'))).toMatch(/not http/);
    expect(policy.refuseUrl(new URL('gopher://cdn.example/'))).toMatch(/not http/);
    expect(policy.refuseUrl(new URL('https://u:p@cdn.example/'))).toMatch(/credentials/);
  });

  it('allows private addresses only for the hosts (and ports) the operator named', () => {
    const policy = new OutboundAddressPolicy(['media.internal', '127.0.0.1:8443', '[::1]:9000']);

    expect(policy.refuseAddress(new URL('http://media.internal:1234/x'), '10.0.0.5')).toBeUndefined();
    expect(policy.refuseAddress(new URL('https://127.0.0.1:8443/x'), '127.0.0.1')).toBeUndefined();
    expect(policy.refuseAddress(new URL('https://127.0.0.1:8444/x'), '127.0.0.1')).toMatch(/loopback/);
    expect(policy.refuseAddress(new URL('http://[::1]:9000/x'), '::1')).toBeUndefined();
    expect(policy.refuseAddress(new URL('http://localhost:9000/x'), '::1')).toBe('localhost resolves to ::1, a loopback address');
    expect(policy.refuseAddress(new URL('http://metadata.google.internal/'), '169.254.169.254')).toMatch(/link-local/);
    expect(policy.refuseAddress(new URL('http://cdn.example/'), '93.184.216.34')).toBeUndefined();
  });

  it('reads allowed hosts as host or host:port and refuses anything else', () => {
    expect(parseAllowedHosts(['Media.Internal', 'gw:8080', '[fd00::1]:443', '::1'])).toEqual([
      { host: 'media.internal' },
      { host: 'gw', port: 8080 },
      { host: 'fd00::1', port: 443 },
      { host: '::1' },
    ]);
    expect(() => parseAllowedHosts(['http://gw:8080'])).toThrow(/host or host:port/);
  });
});
