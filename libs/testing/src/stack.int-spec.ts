import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { Kafka, logLevel } from 'kafkajs';
import { Client, QueryResult } from 'pg';
import { DEMO } from './builders';
import { passwordToken, serviceToken } from './keycloak-tokens';
import { stackEndpoints } from './stack-endpoints';
import { createTestDatabase, TestDatabase, TestDatabaseRole } from './test-database';
import { uniqueGroup, uniqueTopic } from './unique-names';

async function query<T extends object>(db: TestDatabase, role: TestDatabaseRole, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: db.url(role) });
  await client.connect();
  try {
    // Several statements in one string come back as one result each; the last one answers.
    const result = (await client.query(sql)) as unknown as QueryResult<T> | QueryResult<T>[];
    return (Array.isArray(result) ? result[result.length - 1] : result).rows;
  } finally {
    await client.end();
  }
}

const audiences = (aud: string | string[] | undefined) => (Array.isArray(aud) ? aud : aud ? [aud] : []);

describe('local stack', () => {
  it('kafka creates a topic and delivers a produced record to a consumer', async () => {
    const kafka = new Kafka({ clientId: 'stack-int-spec', brokers: stackEndpoints().kafkaBrokers, logLevel: logLevel.NOTHING });
    const topic = uniqueTopic('cc.stack-spec');
    const admin = kafka.admin();
    const producer = kafka.producer({ idempotent: true });
    const consumer = kafka.consumer({ groupId: uniqueGroup('stack-spec') });
    try {
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
      expect(await admin.listTopics()).toContain(topic);

      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'ws-1', value: 'hello', headers: { 'tenant-id': 'acme' } }] });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = await new Promise<{ key: string; value: string; tenant: string }>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) =>
            resolve({
              key: String(message.key),
              value: String(message.value),
              tenant: String(message.headers?.['tenant-id']),
            }),
        });
      });
      expect(received).toEqual({ key: 'ws-1', value: 'hello', tenant: 'acme' });
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  describe('createTestDatabase', () => {
    let db: TestDatabase;

    beforeAll(async () => {
      db = await createTestDatabase('stack');
      await query(
        db,
        'owner',
        `create table note (id serial primary key, tenant_id text not null, body text not null);
         alter table note enable row level security;
         alter table note force row level security;
         create policy note_tenant on note using (tenant_id = current_setting('app.tenant_id', true));`,
      );
    });

    afterAll(() => db.drop());

    it('connects the app role, which can neither bypass RLS nor owns the tables', async () => {
      const [role] = await query<{ rolname: string; rolbypassrls: boolean; rolsuper: boolean }>(
        db,
        'app',
        'select rolname, rolbypassrls, rolsuper from pg_roles where rolname = current_user',
      );
      expect(role).toEqual({ rolname: 'cc_app', rolbypassrls: false, rolsuper: false });

      const [table] = await query<{ tableowner: string }>(db, 'app', `select tableowner from pg_tables where tablename = 'note'`);
      expect(table.tableowner).toBe('cc_owner');
    });

    it('lets the app role write through default privileges, filtered by the tenant policy', async () => {
      await query(
        db,
        'app',
        `begin;
         select set_config('app.tenant_id', 'northwind', true);
         insert into note (tenant_id, body) values ('northwind', 'visible to northwind');
         commit;`,
      );
      const asContoso = await query(db, 'app', `select set_config('app.tenant_id', 'contoso', false); select * from note`);
      expect(asContoso).toEqual([]);
      await expect(query(db, 'app', `insert into note (tenant_id, body) values ('northwind', 'no tenant set')`)).rejects.toThrow(
        /row-level security/,
      );
      const asNorthwind = await query<{ body: string }>(
        db,
        'relay',
        `select set_config('app.tenant_id', 'northwind', false); select body from note`,
      );
      expect(asNorthwind).toEqual([{ body: 'visible to northwind' }]);
    });
  });

  describe('keycloak', () => {
    const { issuer } = stackEndpoints();
    const jwks = createRemoteJWKSet(new URL(`${issuer}/protocol/openid-connect/certs`));

    it('issues bpo-agent-both a signed token with its organization, tenants and role', async () => {
      const { payload } = await jwtVerify(await passwordToken('bpo-agent-both'), jwks, {
        issuer,
        audience: DEMO.audience,
      });
      expect(payload).toMatchObject({
        iss: issuer,
        organization: ['globalbpo'],
        tenants: ['northwind', 'contoso'],
        realm_access: { roles: ['agent'] },
        preferred_username: 'bpo-agent-both',
      });
      expect(audiences(payload.aud)).toContain('contact-center-api');
    });

    it('issues the cc-service client a token with the service role', async () => {
      const claims = decodeJwt(await serviceToken());
      expect(claims.realm_access).toEqual({ roles: ['service'] });
      expect(audiences(claims.aud)).toContain(DEMO.audience);
    });

    it('issues 2-second tokens through contact-center-short', async () => {
      const claims = decodeJwt(await passwordToken('acme-agent', { clientId: DEMO.clients.short }));
      expect(claims.exp! - claims.iat!).toBe(2);
      expect(claims.organization).toEqual(['acme']);
    });
  });
});
