import type * as grpc from '@grpc/grpc-js';
import { ServiceGrpcClient, type ServiceTokenSource, type UnaryMethod } from '@contactcenter/auth';
import { routingAdminV1 } from '@contactcenter/contracts';
import type { QueueStatus } from '../domain/queue/queue-board';
import type { QueueScope, QueueSnapshots } from '../app/queue-status/queue-snapshots.port';

const GET_QUEUE_SNAPSHOT: UnaryMethod<routingAdminV1.GetQueueSnapshotRequest, routingAdminV1.GetQueueSnapshotResponse> = {
  path: `/${routingAdminV1.protobufPackage}.${routingAdminV1.ROUTING_ADMIN_SERVICE_NAME}/GetQueueSnapshot`,
  encode: (request) => Buffer.from(routingAdminV1.GetQueueSnapshotRequest.encode(request).finish()),
  decode: (bytes) => routingAdminV1.GetQueueSnapshotResponse.decode(bytes),
};
/** Short: a caller's announcement waits for it, and the board answers when it is late. */
const DEADLINE_MS = 2_000;

/** Routing's GetQueueSnapshot with the gateway's own token (`service` role). */
export class RoutingQueueClient implements QueueSnapshots {
  private readonly routing: ServiceGrpcClient;

  constructor(url: string, tokens: ServiceTokenSource, credentials?: grpc.ChannelCredentials) {
    this.routing = new ServiceGrpcClient(url, tokens, DEADLINE_MS, credentials);
  }

  async waiting(scope: QueueScope, queueId: string): Promise<ReadonlyMap<string, QueueStatus>> {
    const snapshot = await this.routing.call(GET_QUEUE_SNAPSHOT, { queueId }, scope);
    return new Map(
      snapshot.waiting.map((w) => [w.interactionId, { position: w.position, ...(w.estimatedWaitMs !== undefined ? { expectedWaitMs: w.estimatedWaitMs } : {}) }]),
    );
  }

  close(): void {
    this.routing.close();
  }
}
