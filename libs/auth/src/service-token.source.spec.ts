import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceTokenSource } from './service-token.source';

describe(ServiceTokenSource.name, () => {
  let server: Server;
  let tokenUrl: string;
  const forms: URLSearchParams[] = [];
  let answer: { status: number; body: object } = { status: 200, body: {} };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        forms.push(new URLSearchParams(body));
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => (forms.length = 0));

  it('asks once with client credentials, shares the answer and reuses it until shortly before expiry', async () => {
    let now = 1_000_000;
    const sut = new ServiceTokenSource({ tokenUrl, clientId: 'cc-service', clientSecret: 's3cret', now: () => now });
    answer = { status: 200, body: { access_token: 'token-1', expires_in: 300, token_type: 'Bearer' } };

    const [a, b] = await Promise.all([sut.token(), sut.token()]);
    now += 269_000;
    const reused = await sut.token();
    answer = { status: 200, body: { access_token: 'token-2', expires_in: 300 } };
    now += 2_000;
    const renewed = await sut.token();
    sut.invalidate();
    answer = { status: 200, body: { access_token: 'token-3', expires_in: 300 } };
    const afterRefusal = await sut.token();

    expect([a, b, reused, renewed, afterRefusal]).toEqual(['token-1', 'token-1', 'token-1', 'token-2', 'token-3']);
    expect(forms).toHaveLength(3);
    expect(Object.fromEntries(forms[0])).toEqual({ grant_type: 'client_credentials', client_id: 'cc-service', client_secret: 's3cret' });
  });

  it('fails with the identity provider reason when it refuses the client', async () => {
    answer = { status: 401, body: { error: 'unauthorized_client' } };
    const sut = new ServiceTokenSource({ tokenUrl, clientId: 'cc-service', clientSecret: 'wrong' });

    await expect(sut.token()).rejects.toThrow('401 unauthorized_client');
  });
});
