// Child process of channels.bench.ts: the webhook load generator, in its own process so the
// server under test keeps its core. Bodies and signatures are computed before the clock starts.
// Env: CC_URL, CC_APP_SECRET (empty: unsigned), CC_COUNT, CC_CONCURRENCY, CC_PREFIX.
// Prints one JSON line: { sent, ok, statuses, seconds, p50Ms, p99Ms }.
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';

const env = (name: string, fallback?: string) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

function body(prefix: string, i: number): string {
  // The send time rides in the text, so the consumer can time request → event published.
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' }, contacts: [{ profile: { name: 'Customer' }, wa_id: `6681${String(i % 5000).padStart(7, '0')}` }], messages: [{ from: `6681${String(i % 5000).padStart(7, '0')}`, id: `wamid.${prefix}.${i}`, timestamp: '1749416383', type: 'text', text: { body: 'T0' } }] } }] }],
  });
}

async function main(): Promise<void> {
  const url = new URL(env('CC_URL'));
  const secret = env('CC_APP_SECRET', '');
  const count = Number(env('CC_COUNT'));
  const concurrency = Number(env('CC_CONCURRENCY', '64'));
  const prefix = env('CC_PREFIX', 'm');
  const bodies = Array.from({ length: count }, (_, i) => body(prefix, i));
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;

  const send = (raw: string) =>
    new Promise<number>((resolve, reject) => {
      // The send time replaces the placeholder; the signature covers the final bytes.
      const text = raw.replace('"T0"', `"t=${Date.now()}"`);
      const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
      if (secret) headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', secret).update(text).digest('hex')}`;
      const req = request({ agent, method: 'POST', hostname: url.hostname, port: url.port, path: url.pathname, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(text);
    });

  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const raw = bodies[next++];
        const t0 = process.hrtime.bigint();
        const status = await send(raw);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))];
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ sent: count, ok: statuses['200'] ?? 0, statuses, seconds, p50Ms: pct(0.5), p99Ms: pct(0.99) })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
