import { createTestDatabase, type TestDatabase } from '@contactcenter/testing';
import { DataSource, QueryFailedError } from 'typeorm';
import { preparedQuery } from './prepared-query';

describe(preparedQuery.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('prepared_query');
    dataSource = await new DataSource({ type: 'postgres', url: db.url('owner'), extra: { max: 1 } }).initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('prepares a statement once per connection and runs it again by name', async () => {
    const text = 'SELECT $1::int + 1 AS "next"';
    const runs = await dataSource.transaction(async (manager) => [await preparedQuery<{ next: number }>(manager, text, [1]), await preparedQuery<{ next: number }>(manager, text, [41])]);
    const prepared: { n: number }[] = await dataSource.transaction((manager) =>
      manager.query(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1`, [text]),
    );

    expect(runs).toEqual([[{ next: 2 }], [{ next: 42 }]]);
    expect(prepared).toEqual([{ n: 1 }]);
  });

  it('fails as manager.query does, and the connection goes on', async () => {
    const failure = await dataSource.transaction((manager) => preparedQuery(manager, 'SELECT 1 / $1::int AS "x"', [0])).catch((error: unknown) => error);
    const after = await dataSource.transaction((manager) => preparedQuery<{ x: number }>(manager, 'SELECT 1 / $1::int AS "x"', [1]));

    expect(failure).toBeInstanceOf(QueryFailedError);
    expect((failure as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe('22012');
    expect(after).toEqual([{ x: 1 }]);
  });

  it('runs as a plain query on a manager outside a transaction', async () => {
    expect(await preparedQuery<{ one: number }>(dataSource.manager, 'SELECT 1 AS "one"', [])).toEqual([{ one: 1 }]);
  });
});
