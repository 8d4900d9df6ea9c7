import * as grpc from '@grpc/grpc-js';
import type { ServiceTokenSource } from './service-token.source';

/** Tenant and workspace a service-to-service call acts in. */
export interface ServiceCallScope {
  readonly tenantId: string;
  readonly workspaceId: string;
}

/** One unary method of another service: its path and its message codecs. */
export interface UnaryMethod<Request, Response> {
  readonly path: string;
  encode(request: Request): Buffer;
  decode(bytes: Buffer): Response;
}

/**
 * Unary calls to another service's gRPC API with this service's own token. Service accounts
 * have no organization, so the workspace is named in `x-workspace-id`; a token the callee
 * refuses (revoked, keys rotated) is renewed once.
 */
export class ServiceGrpcClient {
  private readonly client: grpc.Client;

  constructor(
    url: string,
    private readonly tokens: ServiceTokenSource,
    private readonly deadlineMs: number,
    credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
  ) {
    this.client = new grpc.Client(url, credentials);
  }

  async call<Request, Response>(method: UnaryMethod<Request, Response>, request: Request, scope: ServiceCallScope): Promise<Response> {
    try {
      return await this.once(method, request, scope);
    } catch (error) {
      if ((error as grpc.ServiceError).code !== grpc.status.UNAUTHENTICATED) throw error;
      this.tokens.invalidate();
      return this.once(method, request, scope);
    }
  }

  close(): void {
    this.client.close();
  }

  private async once<Request, Response>(method: UnaryMethod<Request, Response>, request: Request, scope: ServiceCallScope): Promise<Response> {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${await this.tokens.token()}`);
    metadata.set('x-tenant-id', scope.tenantId);
    metadata.set('x-workspace-id', scope.workspaceId);
    return new Promise((resolve, reject) =>
      this.client.makeUnaryRequest(method.path, method.encode, method.decode, request, metadata, { deadline: Date.now() + this.deadlineMs }, (error, response) =>
        error || !response ? reject(error ?? new Error(`empty answer from ${method.path}`)) : resolve(response),
      ),
    );
  }
}
