import { AsyncLocalStorage } from 'node:async_hooks';

/** Who a piece of work runs for: the workspace always, the tenant when it acts on tenant data. */
export interface TenantScope {
  readonly workspaceId: string;
  readonly tenantId?: string;
}

export class MissingTenantContextError extends Error {
  readonly code = 'TENANT_CONTEXT_MISSING';
  constructor(what: string) {
    super(`${what} requires a tenant context, and none is set`);
    this.name = 'MissingTenantContextError';
  }
}

const storage = new AsyncLocalStorage<TenantScope>();

/**
 * The tenant scope of the current async call chain, filled at the edge (gRPC metadata, HTTP
 * headers, Kafka headers) and read wherever data is touched. Code that needs it and runs
 * without it throws rather than guessing.
 */
export const TenantContext = {
  run<T>(scope: TenantScope, fn: () => T): T {
    if (!scope.workspaceId) throw new MissingTenantContextError('TenantContext.run');
    return storage.run(Object.freeze({ ...scope }), fn);
  },

  current(): TenantScope | undefined {
    return storage.getStore();
  },

  require(what = 'this operation'): TenantScope {
    const scope = storage.getStore();
    if (!scope) throw new MissingTenantContextError(what);
    return scope;
  },

  requireTenantId(what = 'this operation'): string {
    const tenantId = storage.getStore()?.tenantId;
    if (!tenantId) throw new MissingTenantContextError(what);
    return tenantId;
  },
};
