import { resolveIdentity } from './identity-resolution.policy';

describe(resolveIdentity.name, () => {
  const identity = { kind: 'whatsapp', value: '+66812345678' } as const;

  it('returns the owner of a known identity', () => {
    expect(resolveIdentity({ identity, ownerId: 'c-1', siblingOwnerIds: ['c-2'], newCustomerId: 'new' })).toEqual({ kind: 'known', customerId: 'c-1' });
  });

  it('links an unknown identity to the lowest sibling owner', () => {
    expect(resolveIdentity({ identity, siblingOwnerIds: ['c-9', 'c-3'], newCustomerId: 'new' })).toEqual({ kind: 'link', customerId: 'c-3', identity });
  });

  it('creates a customer for an identity nobody owns', () => {
    expect(resolveIdentity({ identity, siblingOwnerIds: [], newCustomerId: 'new' })).toEqual({ kind: 'create', customerId: 'new', identity });
  });
});
