import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoFile, protoRoot } from '@contactcenter/contracts';

type Callback<T> = (error: grpc.ServiceError | null, response?: T) => void;
type Rpc = ((request: unknown, metadata: grpc.Metadata, cb: Callback<any>) => void) & ((request: unknown, metadata: grpc.Metadata) => grpc.ClientReadableStream<any>);
export type RoutingClient = grpc.Client & Record<string, Rpc>;

let pkg: grpc.GrpcObject | undefined;

/** AgentService and RoutingAdminService clients of one routing instance (proto-loader, oneofs named in `event`). */
export function routingClients(url: string): { agent: RoutingClient; admin: RoutingClient; close(): void } {
  if (!pkg) {
    const protoPath = [protoFile('routing', 'agent_service'), protoFile('routing', 'routing_admin_service')];
    const definition = grpc.loadPackageDefinition(loadSync(protoPath, { includeDirs: [protoRoot()], longs: Number, defaults: true, oneofs: true }));
    pkg = ((definition.contactcenter as grpc.GrpcObject).routing as grpc.GrpcObject).v1 as grpc.GrpcObject;
  }
  const agent = new (pkg.AgentService as grpc.ServiceClientConstructor)(url, grpc.credentials.createInsecure()) as unknown as RoutingClient;
  const admin = new (pkg.RoutingAdminService as grpc.ServiceClientConstructor)(url, grpc.credentials.createInsecure()) as unknown as RoutingClient;
  return { agent, admin, close: () => (agent.close(), admin.close()) };
}

export function bearer(token: string, tenantId?: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  if (tenantId) metadata.set('x-tenant-id', tenantId);
  return metadata;
}

export const unary = <T = any>(client: RoutingClient, method: string, request: unknown, metadata: grpc.Metadata): Promise<T> =>
  new Promise<T>((resolve, reject) => client[method](request, metadata, (error, response) => (error ? reject(error) : resolve(response))));
