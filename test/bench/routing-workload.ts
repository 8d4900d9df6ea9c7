// The routing benchmark's workload, shared by its engine, end-to-end and database-centred parts.
import type { AgentConfig, AgentSelection, Channel, QueueConfig } from '../../services/routing/src/domain';
import type { SeededRandom } from '../../services/routing/src/domain/simulation/seeded-random';

export const WORKSPACE = 'bench';
export const START = Date.UTC(2025, 0, 6, 8, 0, 0);
const TEAMS = 100;
const AGENTS_PER_TEAM = 100;
const QUEUES_PER_TEAM = 10;
const SKILLS = 50;
const TEAM_SKILLS = 8;

const skill = (n: number) => `skill-${n % SKILLS}`;
const teamSkills = (team: number) => Array.from({ length: TEAM_SKILLS }, (_, k) => skill(team * 3 + k * 7));
const queueChannels: Channel[][] = [
  ['voice'], ['voice'], ['voice'], ['voice'], ['voice', 'chat'], ['voice', 'chat'], ['chat'], ['chat'], ['chat', 'email'], ['email'],
];
const strategies: Record<number, AgentSelection> = { 0: 'most-proficient', 7: 'least-occupied', 13: 'round-robin' };

export function workload(random: SeededRandom): { queues: QueueConfig[]; agents: AgentConfig[] } {
  const int = (n: number) => Math.floor(random.next() * n);
  const queues: QueueConfig[] = [];
  for (let q = 0; q < TEAMS * QUEUES_PER_TEAM; q++) {
    const team = Math.floor(q / QUEUES_PER_TEAM);
    const kind = q % 10;
    const needed = teamSkills(team)[q % TEAM_SKILLS];
    queues.push({
      queueId: `q-${q}`,
      tenantId: `tenant-${team % 10}`,
      channels: queueChannels[kind],
      steps:
        kind === 1 || kind === 4 || kind === 6
          ? [
              { conditions: [{ skill: needed, minLevel: 3 }], expiresAfterMs: 20_000 },
              { conditions: [{ skill: needed, minLevel: 1 }], expiresAfterMs: 40_000 },
            ]
          : [],
      defaultPriority: 0,
      ...(kind === 3 && { agingIntervalMs: 60_000 }),
      serviceLevel: { percent: 80, thresholdMs: 20_000 },
      offerTimeoutMs: 15_000,
      wrapUp: kind === 2 || kind === 7 ? { kind: 'optional' } : { kind: 'none' },
      strategy: strategies[q % 20] ?? 'longest-idle',
      defaultHandleTimeMs: 180_000,
    });
  }
  const agents: AgentConfig[] = [];
  for (let a = 0; a < TEAMS * AGENTS_PER_TEAM; a++) {
    // Teams interleave, so creation order (the last tie-break) does not follow teams.
    const team = a % TEAMS;
    const kind = Math.floor(a / TEAMS) % 10;
    const own = Array.from({ length: QUEUES_PER_TEAM }, (_, k) => team * QUEUES_PER_TEAM + k);
    const picked = Array.from({ length: 5 }, () => own.splice(int(own.length), 1)[0]);
    const lateThird = random.next() < 0.3;
    const skillPool = teamSkills(team);
    const skills: Record<string, number> = {};
    for (let s = 0; s < 5; s++) skills[skillPool.splice(int(skillPool.length), 1)[0]] = 1 + int(5);
    agents.push({
      agentId: `agent-${a}`,
      workspaceId: WORKSPACE,
      tenantIds: [`tenant-${team % 10}`],
      queues: picked.map((q, rank) => ({
        queueId: `q-${q}`,
        priority: rank < 2 ? 1 : rank < 4 ? 2 : 3,
        delayMs: rank === 4 && lateThird ? 15_000 : 0,
      })),
      ...(kind < 6
        ? { capacity: { voice: 1, chat: 2, email: 1 }, crossChannel: 'voice-exclusive' as const }
        : kind < 9
          ? { capacity: { chat: 3, email: 2 }, maxTotal: 4, crossChannel: 'concurrent' as const }
          : { capacity: { email: 5 }, crossChannel: 'concurrent' as const }),
      skills,
    });
  }
  return { queues, agents };
}

