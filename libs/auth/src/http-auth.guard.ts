import { CanActivate, ExecutionContext, HttpException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { attachAuthContext } from './auth-context';
import { AuthError } from './auth-error';
import { RequestAuthorizer } from './request-authorizer';
import { declaredRequirement } from './require-roles.decorator';

interface HttpRequestLike {
  headers: Record<string, string | string[] | undefined>;
}

interface HttpResponseLike {
  setHeader?(name: string, value: string): unknown;
}

function header(request: HttpRequestLike, key: string): string | undefined {
  const value = request.headers[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The HTTP twin of GrpcAuthGuard: same headers, same checks; failures answer 401/403/400 with
 * a JSON body `{ error, reason, message }`.
 */
@Injectable()
export class HttpAuthGuard implements CanActivate {
  constructor(
    private readonly authorizer: RequestAuthorizer,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') throw new Error(`HttpAuthGuard cannot guard a ${context.getType()} handler`);
    const requirement = declaredRequirement(this.reflector, context);
    if (requirement === 'public') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequestLike>();
    try {
      const auth = await this.authorizer.authorize(
        {
          authorization: header(request, 'authorization'),
          tenantId: header(request, 'x-tenant-id'),
          workspaceId: header(request, 'x-workspace-id'),
        },
        requirement,
      );
      attachAuthContext(context, auth);
      return true;
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      if (error.code === 'UNAUTHENTICATED') {
        // RFC 6750: name the scheme, and flag the token only when one was sent.
        const challenge = error.reason === 'token-missing' ? 'Bearer' : 'Bearer error="invalid_token"';
        http.getResponse<HttpResponseLike>().setHeader?.('WWW-Authenticate', challenge);
      }
      throw new HttpException(error.toJSON(), error.toHttpStatus());
    }
  }
}
