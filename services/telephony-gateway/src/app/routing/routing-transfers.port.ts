/** Where a blind transfer hands the call back to routing. */
export type RoutingTransferTarget = { readonly queueId: string } | { readonly agentId: string };

export interface RoutingTransferRequest {
  /** The caller's own `authorization` metadata: routing checks that the handling agent asks. */
  readonly authorization: string;
  readonly tenantId: string;
  readonly interactionId: string;
  readonly to: RoutingTransferTarget;
}

/** Routing's AgentService.Transfer; refusals come back as routing's own gRPC status and reason. */
export interface RoutingTransfers {
  transfer(request: RoutingTransferRequest): Promise<void>;
  close(): void;
}
