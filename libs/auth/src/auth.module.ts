import { DynamicModule, Module } from '@nestjs/common';
import { GrpcAuthGuard } from './grpc-auth.guard';
import { HttpAuthGuard } from './http-auth.guard';
import { JwtVerifier, JwtVerifierOptions } from './jwt-verifier';
import { RequestAuthorizer } from './request-authorizer';
import { TenantContextInterceptor } from './tenant-context.interceptor';

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

export type AuthModuleOptions = JwtVerifierOptions;

/**
 * Token verification, the guards and the tenant-context interceptor. Global, so any
 * controller can say `@UseGuards(GrpcAuthGuard) @UseInterceptors(TenantContextInterceptor)`.
 */
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: AUTH_OPTIONS, useValue: options },
        { provide: JwtVerifier, useFactory: (opts: AuthModuleOptions) => new JwtVerifier(opts), inject: [AUTH_OPTIONS] },
        RequestAuthorizer,
        GrpcAuthGuard,
        HttpAuthGuard,
        TenantContextInterceptor,
      ],
      exports: [AUTH_OPTIONS, JwtVerifier, RequestAuthorizer, GrpcAuthGuard, HttpAuthGuard, TenantContextInterceptor],
    };
  }
}
