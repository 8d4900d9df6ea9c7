import { setTimeout as sleep } from 'node:timers/promises';
import { MissingTenantContextError, TenantContext, TenantScope } from './tenant-context';

describe('TenantContext', () => {
  const sut = TenantContext;
  const northwind: TenantScope = { workspaceId: 'globalbpo', tenantId: 'northwind' };
  const contoso: TenantScope = { workspaceId: 'globalbpo', tenantId: 'contoso' };

  it('has no scope outside run', () => {
    expect(sut.current()).toBeUndefined();
  });

  it('exposes the scope inside run and returns the callback result', () => {
    const result = sut.run(northwind, () => {
      expect(sut.current()).toEqual(northwind);
      expect(sut.require()).toEqual(northwind);
      expect(sut.requireTenantId()).toBe('northwind');
      return 42;
    });

    expect(result).toBe(42);
    expect(sut.current()).toBeUndefined();
  });

  it('keeps the scope across awaits inside run', async () => {
    const tenantId = await sut.run(northwind, async () => {
      await sleep(5);
      await Promise.resolve();
      return sut.requireTenantId();
    });

    expect(tenantId).toBe('northwind');
  });

  it('freezes a copy of the scope so later mutation of the argument does not leak in', () => {
    const scope = { workspaceId: 'acme', tenantId: 'acme' };

    sut.run(scope, () => {
      scope.tenantId = 'contoso';
      expect(sut.requireTenantId()).toBe('acme');
      expect(Object.isFrozen(sut.current())).toBe(true);
    });
  });

  it('lets a nested run shadow the outer scope and restores it afterwards', () => {
    sut.run(northwind, () => {
      sut.run(contoso, () => expect(sut.requireTenantId()).toBe('contoso'));
      expect(sut.requireTenantId()).toBe('northwind');
    });
  });

  it('keeps concurrent async chains isolated from each other', async () => {
    const seen = async (scope: TenantScope, delays: number[]) =>
      sut.run(scope, async () => {
        const observed: string[] = [];
        for (const delay of delays) {
          await sleep(delay);
          observed.push(sut.requireTenantId());
        }
        return observed;
      });

    const [a, b] = await Promise.all([seen(northwind, [10, 1, 7]), seen(contoso, [1, 9, 2])]);

    expect(a).toEqual(['northwind', 'northwind', 'northwind']);
    expect(b).toEqual(['contoso', 'contoso', 'contoso']);
  });

  it('carries the scope into callbacks scheduled inside run', async () => {
    const fromTimer = await new Promise<string | undefined>((resolve) =>
      sut.run(northwind, () => setTimeout(() => resolve(sut.current()?.tenantId), 1)),
    );

    expect(fromTimer).toBe('northwind');
  });

  it('throws MissingTenantContextError from require and requireTenantId when no scope is set', () => {
    expect(() => sut.require('loading queues')).toThrow(MissingTenantContextError);
    expect(() => sut.require('loading queues')).toThrow('loading queues requires a tenant context');
    expect(() => sut.requireTenantId()).toThrow(MissingTenantContextError);
  });

  it('throws from requireTenantId in a workspace-only scope', () => {
    sut.run({ workspaceId: 'globalbpo' }, () => {
      expect(sut.require().workspaceId).toBe('globalbpo');
      expect(() => sut.requireTenantId('reading customers')).toThrow(MissingTenantContextError);
    });
  });

  it('refuses to run without a workspace', () => {
    expect(() => sut.run({ workspaceId: '' }, () => undefined)).toThrow(MissingTenantContextError);
  });

  it('reports a stable error code', () => {
    expect(new MissingTenantContextError('x').code).toBe('TENANT_CONTEXT_MISSING');
  });
});
