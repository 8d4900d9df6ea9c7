// Database-centred part of the routing benchmark: the engine benchmark's workload (10,000
// agents, 1,000 queues, 50 skills, mixed channels; routing-workload.ts) routed the way
// database-centred peers do it, each decision one Postgres transaction that picks with
// `SELECT … FOR UPDATE SKIP LOCKED`:
// - a contact arrives: the longest-idle member of its queue with free capacity on the channel
//   (per channel, in total, voice-exclusive) and the skill of the queue's first step is locked,
//   its load raised and the contact stored assigned to it; none free → stored waiting;
// - an agent finishes a contact: its load lowered, then the best waiting contact of its queues
//   (queue rank, priority, age) that fits is locked and assigned to it.
// A closed loop keeps `live` contacts in the system as the engine's loop does, with `workers`
// connections working concurrently. Counted like the engine: a decision is an arrival or a
// completion that assigned a contact; the rate is decisions over the wall time of all work.
// Simpler than the engine (no step expiry, offers, timers or strategies), so it flatters the
// database.
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { createTestDatabase } from '@contactcenter/testing';
import type { AgentConfig, Channel, QueueConfig } from '../../services/routing/src/domain';
import { SeededRandom } from '../../services/routing/src/domain/simulation/seeded-random';
import { START, workload } from './routing-workload';

export interface DbCentredOptions {
  readonly seed: number;
  readonly live: number;
  readonly workers: number;
  readonly seconds: number;
  readonly log: (message: string) => void;
}

export interface DbCentredResult {
  readonly perSecond: number;
  /** Milliseconds per deciding transaction. */
  readonly p50: number;
  readonly p99: number;
}

const LOAD: Record<Channel, string> = { voice: 'load_voice', chat: 'load_chat', email: 'load_email', sms: 'load_chat', social: 'load_chat', task: 'load_email' };
const CAP: Record<Channel, string> = { voice: 'cap_voice', chat: 'cap_chat', email: 'cap_email', sms: 'cap_chat', social: 'cap_chat', task: 'cap_email' };

/** The agent may take one more contact on `channel` (capacity per channel, in total, voice-exclusive). */
const fits = (a: string, channel: Channel) =>
  `${a}.${LOAD[channel]} < ${a}.${CAP[channel]} AND ${a}.load_voice + ${a}.load_chat + ${a}.load_email < ${a}.max_total` +
  (channel === 'voice' ? ` AND (NOT ${a}.voice_exclusive OR ${a}.load_chat + ${a}.load_email = 0)` : ` AND (NOT ${a}.voice_exclusive OR ${a}.load_voice = 0)`);

async function createSchema(client: Client, agents: readonly AgentConfig[]): Promise<void> {
  await client.query(`
    CREATE TABLE agents (agent_id text PRIMARY KEY, tenant_id text NOT NULL, cap_voice int NOT NULL, cap_chat int NOT NULL, cap_email int NOT NULL,
      max_total int NOT NULL, voice_exclusive boolean NOT NULL, load_voice int NOT NULL DEFAULT 0, load_chat int NOT NULL DEFAULT 0,
      load_email int NOT NULL DEFAULT 0, idle_since bigint NOT NULL, skills jsonb NOT NULL);
    CREATE TABLE memberships (queue_id text NOT NULL, agent_id text NOT NULL, rank int NOT NULL, PRIMARY KEY (queue_id, agent_id));
    CREATE INDEX ON memberships (agent_id);
    CREATE TABLE items (interaction_id text PRIMARY KEY, queue_id text NOT NULL, channel text NOT NULL, priority int NOT NULL,
      enqueued_at bigint NOT NULL, agent_id text);
    CREATE INDEX ON items (queue_id, priority DESC, enqueued_at) WHERE agent_id IS NULL;`);
  await client.query(
    `INSERT INTO agents (agent_id, tenant_id, cap_voice, cap_chat, cap_email, max_total, voice_exclusive, idle_since, skills)
     SELECT a, t, cv, cc, ce, mt, vx, $8, $9::jsonb -> a
       FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[], $6::int[], $7::boolean[]) AS u(a, t, cv, cc, ce, mt, vx)`,
    [
      agents.map((a) => a.agentId),
      agents.map((a) => a.tenantIds[0]),
      agents.map((a) => a.capacity.voice ?? 0),
      agents.map((a) => a.capacity.chat ?? 0),
      agents.map((a) => a.capacity.email ?? 0),
      agents.map((a) => a.maxTotal ?? 99),
      agents.map((a) => a.crossChannel === 'voice-exclusive'),
      START,
      JSON.stringify(Object.fromEntries(agents.map((a) => [a.agentId, a.skills]))),
    ],
  );
  const memberships = agents.flatMap((a) => a.queues.map((m) => [m.queueId, a.agentId, m.priority] as const));
  await client.query(`INSERT INTO memberships SELECT * FROM unnest($1::text[], $2::text[], $3::int[])`, [
    memberships.map((m) => m[0]),
    memberships.map((m) => m[1]),
    memberships.map((m) => m[2]),
  ]);
  await client.query('ANALYZE');
}

/** One contact arrives: lock the longest-idle fitting member, or store the contact waiting. Whether it was assigned. */
async function arrive(client: Client, queue: QueueConfig, channel: Channel, id: string, priority: number, now: number): Promise<string | undefined> {
  const condition = queue.steps[0]?.conditions[0];
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ agent_id: string }>(
      `SELECT a.agent_id FROM memberships m JOIN agents a ON a.agent_id = m.agent_id
        WHERE m.queue_id = $1 AND ${fits('a', channel)} ${condition ? `AND coalesce((a.skills->>$2)::int, 0) >= $3` : ''}
        ORDER BY a.idle_since LIMIT 1 FOR UPDATE OF a SKIP LOCKED`,
      condition ? [queue.queueId, condition.skill, condition.minLevel] : [queue.queueId],
    );
    const agentId = rows[0]?.agent_id;
    if (agentId) await client.query(`UPDATE agents SET ${LOAD[channel]} = ${LOAD[channel]} + 1, idle_since = $2 WHERE agent_id = $1`, [agentId, now]);
    await client.query(`INSERT INTO items VALUES ($1, $2, $3, $4, $5, $6)`, [id, queue.queueId, channel, priority, now, agentId ?? null]);
    await client.query('COMMIT');
    return agentId;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/** An agent finishes a contact, then takes the best waiting contact that fits it. Whether it took one. */
async function finish(client: Client, id: string, now: number): Promise<string | undefined> {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ agent_id: string; channel: Channel }>(`DELETE FROM items WHERE interaction_id = $1 RETURNING agent_id, channel`, [id]);
    const { agent_id: agentId, channel } = rows[0];
    await client.query(`UPDATE agents SET ${LOAD[channel]} = ${LOAD[channel]} - 1, idle_since = $2 WHERE agent_id = $1`, [agentId, now]);
    const picked = await client.query<{ interaction_id: string; channel: Channel }>(
      `SELECT i.interaction_id, i.channel FROM items i JOIN memberships m ON m.queue_id = i.queue_id AND m.agent_id = $1 JOIN agents a ON a.agent_id = $1
        WHERE i.agent_id IS NULL AND CASE i.channel WHEN 'voice' THEN ${fits('a', 'voice')} WHEN 'chat' THEN ${fits('a', 'chat')} ELSE ${fits('a', 'email')} END
        ORDER BY m.rank, i.priority DESC, i.enqueued_at LIMIT 1 FOR UPDATE OF i SKIP LOCKED`,
      [agentId],
    );
    const next = picked.rows[0];
    if (next) {
      await client.query(`UPDATE items SET agent_id = $2 WHERE interaction_id = $1`, [next.interaction_id, agentId]);
      await client.query(`UPDATE agents SET ${LOAD[next.channel]} = ${LOAD[next.channel]} + 1, idle_since = $2 WHERE agent_id = $1`, [agentId, now]);
    }
    await client.query('COMMIT');
    return next?.interaction_id;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

export async function dbCentred(options: DbCentredOptions): Promise<DbCentredResult> {
  const { queues, agents } = workload(new SeededRandom(options.seed));
  const db = await createTestDatabase('bench_routing_db');
  const clients = await Promise.all(
    Array.from({ length: options.workers }, async () => {
      const client = new Client({ connectionString: db.url('owner') });
      await client.connect();
      return client;
    }),
  );
  try {
    await createSchema(clients[0], agents);
    options.log(`db-centred: ${agents.length} agents, ${queues.length} queues loaded`);
    const random = new SeededRandom(options.seed + 2);
    const assigned: string[] = [];
    let live = 0;
    let next = 0;
    let now = START;
    const latencies: number[] = [];
    let decisions = 0;
    let measuring = false;
    const step = async (client: Client) => {
      now += Math.floor(random.next() * 21);
      const began = performance.now();
      let decided = false;
      if (live < options.live || assigned.length === 0) {
        const queue = queues[Math.floor(random.next() * queues.length)];
        const channel = queue.channels[Math.floor(random.next() * queue.channels.length)];
        const id = `c-${next++}`;
        live++;
        const agentId = await arrive(client, queue, channel, id, random.next() < 0.1 ? 1 : 0, now);
        if (agentId) {
          assigned.push(id);
          decided = true;
        }
      } else {
        const id = assigned.splice(Math.floor(random.next() * assigned.length), 1)[0];
        live--;
        const taken = await finish(client, id, now);
        if (taken) {
          assigned.push(taken);
          decided = true;
        }
      }
      if (measuring && decided) {
        decisions++;
        latencies.push(performance.now() - began);
      }
    };
    const run = (seconds: number) =>
      Promise.all(
        clients.map(async (client) => {
          const until = performance.now() + seconds * 1_000;
          while (performance.now() < until) await step(client);
        }),
      );
    await run(Math.max(2, options.seconds / 3));
    measuring = true;
    const began = performance.now();
    await run(options.seconds);
    const elapsed = (performance.now() - began) / 1_000;
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
    options.log(`db-centred: ${decisions} decisions in ${elapsed.toFixed(1)} s with ${options.workers} connections; ${live} contacts live, ${assigned.length} assigned`);
    return { perSecond: decisions / elapsed, p50: at(0.5), p99: at(0.99) };
  } finally {
    await Promise.all(clients.map((client) => client.end()));
    await db.drop();
  }
}
