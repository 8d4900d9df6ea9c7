import type { DataSource } from 'typeorm';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { createTestDatabase, migrateAndConnect, newTenant, type TestDatabase } from '@contactcenter/testing';
import { RegistrationRepository } from './registration.repository';
import { TelephonyDirectoryRepository } from './telephony-directory.repository';
import { TELEPHONY_MIGRATIONS } from './telephony.migrations';

// Real Postgres as the service role (cc_app): RLS applies.
describe(RegistrationRepository.name, () => {
  const sut = new RegistrationRepository();
  const directory = new TelephonyDirectoryRepository();
  const mine = newTenant();
  const theirs = newTenant();
  const account = { ...mine, agentId: 'agent-1', sipUsername: `phone-${mine.tenantId}` };
  const t0 = new Date('2026-11-22T12:00:00Z');
  const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
  const binding = (contact: string, expiresInSec: number, q = 1) => ({ contact, expiresAt: at(expiresInSec), q, sipCallId: 'reg-1', cseq: 1 });
  let db: TestDatabase;
  let ds: DataSource;
  const asMine = <T>(work: Parameters<typeof withTenantTransaction<T>>[1]) => withTenantTransaction(ds, work, mine);
  const asTheirs = <T>(work: Parameters<typeof withTenantTransaction<T>>[1]) => withTenantTransaction(ds, work, theirs);

  beforeAll(async () => {
    db = await createTestDatabase('telephony-registrations');
    ds = await migrateAndConnect(db, TELEPHONY_MIGRATIONS);
    await asMine((m) => directory.putEndpoint(m, { ...mine, agentId: account.agentId, sipUsername: account.sipUsername, digestHa1: '0'.repeat(32) }));
  }, 60_000);

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('finds a live contact, the preferred one first, and none once it expired', async () => {
    await asMine((m) => sut.replace(m, account, [binding('sip:a@10.0.0.1:5062', 300, 0.5), binding('sip:a@10.0.0.2:5062', 60, 1)], t0));

    expect(await asMine((m) => sut.contactOf(m, mine.tenantId, account.agentId, at(30)))).toBe('sip:a@10.0.0.2:5062');
    expect(await asMine((m) => sut.contactOf(m, mine.tenantId, account.agentId, at(61)))).toBe('sip:a@10.0.0.1:5062');
    expect(await asMine((m) => sut.contactOf(m, mine.tenantId, account.agentId, at(301)))).toBeUndefined();
  });

  it('replaces the contacts with the latest REGISTER, and an empty one unregisters', async () => {
    await asMine((m) => sut.replace(m, account, [binding('sip:a@10.0.0.3:5062', 300)], at(10)));
    const replaced = await asMine((m) => sut.contactOf(m, mine.tenantId, account.agentId, at(20)));
    await asMine((m) => sut.replace(m, account, [], at(30)));

    expect(replaced).toBe('sip:a@10.0.0.3:5062');
    expect(await asMine((m) => sut.contactOf(m, mine.tenantId, account.agentId, at(40)))).toBeUndefined();
  });

  it('is sealed by tenant: another tenant neither sees nor writes the rows', async () => {
    await asMine((m) => sut.replace(m, account, [binding('sip:a@10.0.0.4:5062', 300)], t0));
    const seen = await asTheirs((m) => m.query(`SELECT count(*)::int AS n FROM "telephony_registrations"`));
    const written = await asTheirs((m) => sut.replace(m, account, [binding('sip:evil@10.6.6.6:5060', 300)], t0)).catch((e: Error) => e);

    expect(seen).toEqual([{ n: 0 }]);
    expect(written).toBeInstanceOf(Error);
    expect(await asMine((m) => sut.contactOf(m, mine.tenantId, account.agentId, at(1)))).toBe('sip:a@10.0.0.4:5062');
  });
});
