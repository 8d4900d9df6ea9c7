import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { TenantContext } from '@contactcenter/tenancy';
import { Observable } from 'rxjs';
import { authContextOf } from './auth-context';

/**
 * Runs the handler, and everything it schedules (promises, server-stream emissions), inside
 * the TenantContext of the scope the auth guard established. Public handlers run without one.
 */
@Injectable()
export class TenantContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const auth = authContextOf(context);
    if (!auth) return next.handle();
    // next.handle() binds the handler to the async context it is called in, so it must be
    // called (and subscribed) inside run.
    return new Observable((subscriber) => TenantContext.run(auth.scope, () => next.handle().subscribe(subscriber)));
  }
}
