// What-if for supervisors: the routing engine itself, driven as an M/M/c queue (Poisson
// arrivals, exponential handle times, one FIFO voice queue, offers accepted at once, nobody
// abandons), next to Erlang C for the same inputs. Prints P(wait), service level and ASA over
// all calls with 95% batch-means confidence intervals, for `--agents` and, with
// `--add-agents N`, for agents + N as well.
// Usage: npm run simulate -- routing [--calls-per-30min 100] [--aht 180] [--agents 14]
//          [--sl-seconds 20] [--hours 200] [--seed 1] [--add-agents N]
import { erlangCMetrics } from '../../services/reporting/src/domain/staffing/erlang-c.calculator';
import { batchMeans, type ConfidenceInterval } from '../../services/routing/src/domain/simulation/batch-means';
import { mmcSimulator } from '../../services/routing/src/domain/simulation/mmc.scenario';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const input = {
  callsPer30Min: arg('calls-per-30min', 100),
  ahtSeconds: arg('aht', 180),
  agents: arg('agents', 14),
  slSeconds: arg('sl-seconds', 20),
  hours: arg('hours', 200),
  seed: arg('seed', 1),
  addAgents: arg('add-agents', 0),
};
// The first 5% of calls are dropped: the run starts with every agent idle.
const warmUpShare = 0.05;
const batches = 20;

const usage =
  'usage: npm run simulate -- routing [--calls-per-30min 100] [--aht 180] [--agents 14] [--sl-seconds 20] [--hours 200] [--seed 1] [--add-agents N]';

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(1);
}

function simulate(agents: number, calls: number) {
  const meanHandleTimeMs = input.ahtSeconds * 1_000;
  const meanInterarrivalMs = (30 * 60 * 1_000) / input.callsPer30Min;
  const waits = mmcSimulator({ seed: input.seed, agents, meanInterarrivalMs, meanHandleTimeMs })
    .run(calls)
    .slice(Math.round(calls * warmUpShare))
    .map((call) => call.waitMs! / 1_000);
  return {
    waited: batchMeans(waits.map((wait) => (wait > 0 ? 1 : 0)), batches),
    serviceLevel: batchMeans(waits.map((wait) => (wait <= input.slSeconds ? 1 : 0)), batches),
    asa: batchMeans(waits, batches),
  };
}

const { callsPer30Min, ahtSeconds, agents, slSeconds, hours, addAgents } = input;
if (!(callsPer30Min > 0 && ahtSeconds > 0 && slSeconds >= 0 && hours > 0)) fail('rates, times and hours must be positive');
if (!Number.isInteger(agents) || agents < 1 || !Number.isInteger(addAgents) || agents + addAgents < 1) {
  fail('--agents and --agents plus --add-agents must be whole numbers of at least 1');
}
const calls = Math.round(hours * 2 * callsPer30Min);
if (calls * (1 - warmUpShare) < batches * 50) fail(`--hours ${hours} gives too few calls for ${batches} batches`);

const trafficErlangs = (callsPer30Min * ahtSeconds) / (30 * 60);
// Intervals are clipped to the possible range: a share is within 0–100%, a wait not negative.
const percent = (n: number) => `${(100 * Math.min(1, Math.max(0, n))).toFixed(1)}%`;
const seconds = (n: number) => `${Math.max(0, n).toFixed(1)} s`;
const withInterval = (ci: ConfidenceInterval, format: (n: number) => string) =>
  `${format(ci.mean)} (${format(ci.low)} – ${format(ci.high)})`;

console.log(
  `M/M/c: ${callsPer30Min} calls / 30 min, AHT ${ahtSeconds} s = ${trafficErlangs.toFixed(2)} Erlangs; ` +
    `${hours} h simulated (${calls} calls, first ${Math.round(calls * warmUpShare)} dropped), seed ${input.seed}`,
);
console.log(`${'agents'.padEnd(8)}${'metric'.padEnd(14)}${'simulated (95% CI)'.padEnd(32)}Erlang C`);
let unstable = false;
for (const staffed of addAgents === 0 ? [agents] : [agents, agents + addAgents]) {
  const measured = simulate(staffed, calls);
  const erlang = erlangCMetrics({ agents: staffed, trafficErlangs, ahtSeconds, answerTimeSeconds: slSeconds });
  unstable ||= !erlang.stable;
  const expected = (value: number, format: (n: number) => string) => (erlang.stable ? format(value) : 'unstable');
  const rows: [string, string, string][] = [
    ['P(wait)', withInterval(measured.waited, percent), expected(erlang.probabilityOfWaiting, percent)],
    [`SL(${slSeconds} s)`, withInterval(measured.serviceLevel, percent), expected(erlang.serviceLevel, percent)],
    ['ASA', withInterval(measured.asa, seconds), expected(erlang.asaOverAllArrivalsSeconds, seconds)],
  ];
  rows.forEach(([metric, simulated, formula], i) =>
    console.log(`${(i === 0 ? String(staffed) : '').padEnd(8)}${metric.padEnd(14)}${simulated.padEnd(32)}${formula}`),
  );
}
if (unstable) {
  console.log(
    'unstable: no more agents than Erlangs, so the queue grows for as long as calls arrive; the simulated numbers depend on --hours',
  );
}
