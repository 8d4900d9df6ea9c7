export type SipProtocol = 'udp' | 'tcp';

/** Where a message came from or goes to. */
export interface SipEndpoint {
  protocol: SipProtocol;
  address: string;
  port: number;
}

export const isReliable = (protocol: SipProtocol): boolean => protocol === 'tcp';

export const endpointKey = (endpoint: SipEndpoint): string => `${endpoint.protocol}:${endpoint.address}:${endpoint.port}`;
