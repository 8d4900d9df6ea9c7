import type * as grpc from '@grpc/grpc-js';
import { ServiceGrpcClient, type ServiceTokenSource, type UnaryMethod } from '@contactcenter/auth';
import { routingAdminV1 } from '@contactcenter/contracts';
import type { QueuePlaces, WaitingPlace } from '../app/webchat/queue-places.port';

const GET_QUEUE_SNAPSHOT: UnaryMethod<routingAdminV1.GetQueueSnapshotRequest, routingAdminV1.GetQueueSnapshotResponse> = {
  path: `/${routingAdminV1.protobufPackage}.${routingAdminV1.ROUTING_ADMIN_SERVICE_NAME}/GetQueueSnapshot`,
  encode: (request) => Buffer.from(routingAdminV1.GetQueueSnapshotRequest.encode(request).finish()),
  decode: (bytes) => routingAdminV1.GetQueueSnapshotResponse.decode(bytes),
};
const DEADLINE_MS = 3_000;

/** Routing's GetQueueSnapshot with the service's own token: the exact places and wait estimates routing computes. */
export class RoutingQueueClient implements QueuePlaces {
  private readonly routing: ServiceGrpcClient;

  constructor(url: string, tokens: ServiceTokenSource, credentials?: grpc.ChannelCredentials) {
    this.routing = new ServiceGrpcClient(url, tokens, DEADLINE_MS, credentials);
  }

  async places(scope: { workspaceId: string; tenantId: string }, queueId: string): Promise<ReadonlyMap<string, WaitingPlace>> {
    const snapshot = await this.routing.call(GET_QUEUE_SNAPSHOT, { queueId }, scope);
    return new Map(
      snapshot.waiting.map((w) => [w.interactionId, { position: w.position, ...(w.estimatedWaitMs !== undefined ? { estimatedWaitMs: w.estimatedWaitMs } : {}) }]),
    );
  }

  close(): void {
    this.routing.close();
  }
}
