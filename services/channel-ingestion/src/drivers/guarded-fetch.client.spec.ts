import type { LookupAddress } from 'node:dns';
import { OutboundAddressPolicy } from '../domain/outbound-address.policy';
import { GuardedFetchClient } from './guarded-fetch.client';

// A fixed resolver: the policy sees exactly these answers.
const dns: Record<string, LookupAddress[]> = {
  'mail.example.com': [{ address: '93.184.216.34', family: 4 }],
  'mixed.example.com': [
    { address: '93.184.216.34', family: 4 },
    { address: '10.0.0.7', family: 4 },
  ],
  'imap.internal': [{ address: '10.1.2.3', family: 4 }],
};
const resolve = async (host: string) => dns[host] ?? (host.includes(':') ? [{ address: host, family: 6 }] : [{ address: host, family: 4 }]);

describe('GuardedFetchClient.pinHost', () => {
  const publicOnly = new GuardedFetchClient(new OutboundAddressPolicy(), resolve);
  const allowing = new GuardedFetchClient(new OutboundAddressPolicy(['imap.internal:993']), resolve);

  it('returns the checked address of a public mail server', async () => {
    await expect(publicOnly.pinHost('mail.example.com', 587)).resolves.toBe('93.184.216.34');
  });

  it('refuses a name with any private answer, private and loopback literals, and the metadata address', async () => {
    const reasons = await Promise.all(
      [['mixed.example.com', 993], ['imap.internal', 993], ['127.0.0.1', 25], ['::1', 143], ['169.254.169.254', 80]].map(([host, port]) =>
        publicOnly.pinHost(host as string, port as number).catch((error: Error) => error.message),
      ),
    );
    expect(reasons).toEqual([
      'fetch-target-forbidden: mixed.example.com resolves to 10.0.0.7, a private address',
      'fetch-target-forbidden: imap.internal resolves to 10.1.2.3, a private address',
      'fetch-target-forbidden: 127.0.0.1 resolves to 127.0.0.1, a loopback address',
      'fetch-target-forbidden: [::1] resolves to ::1, a loopback address',
      'fetch-target-forbidden: 169.254.169.254 resolves to 169.254.169.254, a link-local address',
    ]);
  });

  it('lets a private host through only on the host and port the operator named', async () => {
    await expect(allowing.pinHost('imap.internal', 993)).resolves.toBe('10.1.2.3');
    await expect(allowing.pinHost('imap.internal', 143)).rejects.toThrow('a private address');
  });

  it('refuses what is not a host name', async () => {
    await expect(publicOnly.pinHost('mail example.com', 25)).rejects.toThrow('fetch-target-forbidden: "mail example.com" is not a host name');
  });
});
