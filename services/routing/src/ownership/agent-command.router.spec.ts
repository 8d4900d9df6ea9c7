import { Topics } from '@contactcenter/contracts';
import { type EventBus, InProcessEventBus, type Subscription } from '@contactcenter/messaging';
import type { AgentCaller } from '../app/handle-agent-work/agent-work.use-case';
import type { CommandOnce } from '../app/routing-runtime';
import { RoutingError } from '../domain';
import type { AgentCommand, AgentCommandHandler, AgentCommandResult } from '../grpc/agent-command.handler';
import { AgentCommandRouter } from './agent-command.router';
import { OrderedPublisher } from './ordered-publisher';
import type { WorkspaceOwnership } from './workspace-ownership';

const quiet = { warn: () => undefined, error: () => undefined };
const caller: AgentCaller = { workspaceId: 'ws-1', agentId: 'ana', allTenants: false, grantedTenantIds: ['t-1'] };

interface Applied {
  readonly caller: AgentCaller;
  readonly tenantId: string | undefined;
  readonly command: AgentCommand;
  readonly once: CommandOnce | undefined;
}

/** A routing instance as far as commands go: its router, wired to the bus like RoutingModule does. */
async function instance(bus: EventBus, options: { instanceId: string; groupId: string; owns: boolean; timeoutMs?: number }) {
  const applied: Applied[] = [];
  const handler = {
    handle: async (who: AgentCaller, tenantId: string | undefined, command: AgentCommand, once?: CommandOnce): Promise<AgentCommandResult> => {
      applied.push({ caller: who, tenantId, command, once });
      if (command.deleteQueue) throw new RoutingError('QUEUE_NOT_FOUND', 'queue q is unknown');
      if (command.putSkill) return { putSkill: { skill: command.putSkill.skill } };
      return { acceptOffer: { assignment: { interactionId: 'i-1', tenantId: 't-1', queueId: 'q', channel: 2, wrappingUp: false } } };
    },
  } as unknown as AgentCommandHandler;
  const ownership = { owns: async () => options.owns } as unknown as WorkspaceOwnership;
  const publisher = new OrderedPublisher(bus, quiet);
  const router = new AgentCommandRouter({ bus, ownership, handler, publisher, instanceId: options.instanceId, groupId: options.groupId, timeoutMs: options.timeoutMs ?? 2_000 });
  const subscriptions: Subscription[] = [
    await bus.subscribe({ groupId: `${options.groupId}.work.${options.instanceId}`, topics: [Topics.routingWork], handler: async (event) => router.answered(event) }),
  ];
  // The command partitions belong to the owner: the routing group's assignment is what makes it the owner.
  if (options.owns) subscriptions.push(await bus.subscribe({ groupId: options.groupId, topics: [Topics.routingCommands], handler: (event) => router.execute(event) }));
  return {
    router,
    applied,
    close: async () => {
      router.close();
      for (const subscription of subscriptions) await subscription.close();
      await publisher.close();
    },
  };
}

describe(AgentCommandRouter.name, () => {
  let bus: InProcessEventBus;
  const closers: (() => Promise<void>)[] = [];

  beforeEach(() => {
    bus = new InProcessEventBus({ logger: quiet });
  });

  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await bus.close();
  });

  const start = async (options: Parameters<typeof instance>[1]) => {
    const started = await instance(bus, options);
    closers.push(started.close);
    return started;
  };

  it('runs an admin change on the owner and brings its answer back', async () => {
    const front = await start({ instanceId: 'front', groupId: 'routing', owns: false });
    const owner = await start({ instanceId: 'owner', groupId: 'routing', owns: true });

    const result = await front.router.run(caller, undefined, { putSkill: { skill: { name: 'thai', description: '' } } });

    expect(result.putSkill).toEqual({ skill: { name: 'thai', description: '' } });
    expect(front.applied).toEqual([]);
    expect(owner.applied.map((a) => a.command.putSkill)).toEqual([{ skill: { name: 'thai', description: '' } }]);
    expect(owner.applied[0].once).toBeUndefined();
  });

  it("gives the owner's error back as the same error", async () => {
    await start({ instanceId: 'owner', groupId: 'routing', owns: true });
    const front = await start({ instanceId: 'front', groupId: 'routing', owns: false });

    await expect(front.router.run(caller, 't-1', { deleteQueue: { queueId: 'q', allowMissing: false } })).rejects.toMatchObject({ code: 'QUEUE_NOT_FOUND' });
  });

  it("carries an agent command's id to the owner, or else the forwarding's own", async () => {
    const owner = await start({ instanceId: 'owner', groupId: 'routing', owns: true });
    const front = await start({ instanceId: 'front', groupId: 'routing', owns: false });

    await front.router.run(caller, 't-1', { acceptOffer: { offerId: 'i-1#1', commandId: 'c-42' } });
    await front.router.run(caller, 't-1', { acceptOffer: { offerId: 'i-1#1', commandId: '' } });

    const [withId, withoutId] = owner.applied.map((a) => a.once);
    expect(withId?.commandId).toBe('c-42');
    expect(withoutId?.commandId).toMatch(/^[0-9a-f-]{36}$/);
    // Same command, whatever id: the same fingerprint, so a retry through any instance matches.
    expect(withoutId?.fingerprint).toBe(withId?.fingerprint);
  });

  it('applies a command with an id locally under the same key when it owns the workspace', async () => {
    const owner = await start({ instanceId: 'owner', groupId: 'routing', owns: true });

    await owner.router.run(caller, 't-1', { acceptOffer: { offerId: 'i-1#1', commandId: 'c-42' } });

    expect(owner.applied[0].once?.commandId).toBe('c-42');
  });

  it('ignores the commands of another deployment sharing the broker', async () => {
    const stranger = await start({ instanceId: 'owner', groupId: 'other-routing', owns: true });
    const front = await start({ instanceId: 'front', groupId: 'routing', owns: false, timeoutMs: 300 });

    await expect(front.router.run(caller, undefined, { putSkill: { skill: { name: 'thai', description: '' } } })).rejects.toMatchObject({
      name: 'RoutingUnavailableError',
    });
    expect(stranger.applied).toEqual([]);
  });
});
