import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { authContextOf } from './auth-context';
import type { Principal } from './principal';

/** The authenticated caller of this execution; throws if no auth guard ran (a wiring bug). */
export function principalOf(context: ExecutionContext): Principal {
  const auth = authContextOf(context);
  if (!auth) throw new Error('no authenticated principal: is the handler guarded by GrpcAuthGuard or HttpAuthGuard?');
  return auth.principal;
}

/** Handler parameter decorator: `whoAmI(@CurrentPrincipal() principal: Principal)`. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext) => principalOf(context));
