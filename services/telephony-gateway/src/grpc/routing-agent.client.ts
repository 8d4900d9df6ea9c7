import * as grpc from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { routingAgentV1 } from '@contactcenter/contracts';
import type { RoutingTransferRequest, RoutingTransfers } from '../app/routing/routing-transfers.port';
import { TelephonyError } from '../app/telephony.error';

const TRANSFER = `/${routingAgentV1.protobufPackage}.${routingAgentV1.AGENT_SERVICE_NAME}/Transfer`;
const DEADLINE_MS = 5_000;

/**
 * Routing's AgentService.Transfer, called with the agent's own token (routing lets only the
 * handling agent transfer). Routing's refusals keep their status and reason (NOT_FOUND
 * "QUEUE_NOT_FOUND: …"); routing out of reach is UNAVAILABLE "ROUTING_UNAVAILABLE".
 */
export class RoutingAgentClient implements RoutingTransfers {
  private readonly client: grpc.Client;

  constructor(url: string, credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure()) {
    this.client = new grpc.Client(url, credentials);
  }

  async transfer({ authorization, tenantId, interactionId, to }: RoutingTransferRequest): Promise<void> {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', authorization);
    metadata.set('x-tenant-id', tenantId);
    const request = routingAgentV1.TransferRequest.fromPartial({ interactionId, ...to });
    await new Promise<void>((resolve, reject) =>
      this.client.makeUnaryRequest(
        TRANSFER,
        (message: routingAgentV1.TransferRequest) => Buffer.from(routingAgentV1.TransferRequest.encode(message).finish()),
        (bytes: Buffer) => routingAgentV1.TransferResponse.decode(bytes),
        request,
        metadata,
        { deadline: Date.now() + DEADLINE_MS },
        (error) => (error ? reject(refusal(error)) : resolve()),
      ),
    );
  }

  close(): void {
    this.client.close();
  }
}

function refusal(error: grpc.ServiceError): unknown {
  if (error.code === grpc.status.UNAVAILABLE || error.code === grpc.status.DEADLINE_EXCEEDED) {
    return new TelephonyError('ROUTING_UNAVAILABLE', `routing did not answer the transfer: ${error.details}`);
  }
  return new RpcException({ code: error.code, message: error.details });
}
