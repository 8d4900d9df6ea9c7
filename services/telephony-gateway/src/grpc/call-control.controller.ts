import { Controller, Inject, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { Ctx, GrpcMethod, Payload } from '@nestjs/microservices';
import { GrpcAuthGuard, RequireRoles, type Role, TenantContextInterceptor } from '@contactcenter/auth';
import { callControlV1 } from '@contactcenter/contracts';
import { TenantContext } from '@contactcenter/tenancy';
import type { CallSession } from '../app/call-session/call-session';
import { ROUTING_TRANSFERS } from '../app/routing/routing.tokens';
import type { RoutingTransfers, RoutingTransferTarget } from '../app/routing/routing-transfers.port';
import { toE164 } from '../app/manage-directory/manage-directory.use-case';
import { TelephonyError } from '../app/telephony.error';
import { TelephonyGateway } from '../app/telephony-gateway';
import { mapRpcErrors } from './rpc-error.mapper';

const CONTROLLERS: Role[] = ['agent', 'supervisor', 'team-lead', 'tenant-admin', 'service'];
const SERVICE = callControlV1.CALL_CONTROL_SERVICE_NAME;

/** gRPC CallControlService: commands on a live call of this pod, for the tenant in x-tenant-id. */
@Controller()
@UseGuards(GrpcAuthGuard)
@UseInterceptors(TenantContextInterceptor)
export class CallControlController {
  constructor(
    @Inject(TelephonyGateway) private readonly gateway: TelephonyGateway,
    @Inject(ROUTING_TRANSFERS) private readonly routing: RoutingTransfers | null,
  ) {}

  @RequireRoles(...CONTROLLERS)
  @GrpcMethod(SERVICE, 'Hold')
  hold(@Payload() request: callControlV1.HoldRequest): Promise<callControlV1.HoldResponse> {
    return mapRpcErrors(async () => (await this.call('Hold', request.callId).holdCaller(), {}));
  }

  @RequireRoles(...CONTROLLERS)
  @GrpcMethod(SERVICE, 'Resume')
  resume(@Payload() request: callControlV1.ResumeRequest): Promise<callControlV1.ResumeResponse> {
    return mapRpcErrors(async () => (await this.call('Resume', request.callId).resumeCaller(), {}));
  }

  @RequireRoles(...CONTROLLERS)
  @GrpcMethod(SERVICE, 'Hangup')
  hangup(@Payload() request: callControlV1.HangupRequest): Promise<callControlV1.HangupResponse> {
    return mapRpcErrors(async () => {
      const call = this.call('Hangup', request.callId);
      await call.hangUp(call.agentId ? 'agent' : 'system', 'hangup-requested');
      return {};
    });
  }

  @RequireRoles(...CONTROLLERS)
  @GrpcMethod(SERVICE, 'SendDtmf')
  sendDtmf(@Payload() request: callControlV1.SendDtmfRequest): Promise<callControlV1.SendDtmfResponse> {
    return mapRpcErrors(async () => {
      if (!/^[0-9*#A-D]{1,32}$/.test(request.digits)) throw new TelephonyError('INVALID_NUMBER', 'digits must be 1-32 of 0-9 * # A-D');
      await this.call('SendDtmf', request.callId).sendDtmf(request.digits);
      return {};
    });
  }

  @RequireRoles(...CONTROLLERS)
  @GrpcMethod(SERVICE, 'PauseRecording')
  pauseRecording(@Payload() request: callControlV1.PauseRecordingRequest): Promise<callControlV1.PauseRecordingResponse> {
    return mapRpcErrors(() => (this.call('PauseRecording', request.callId).pauseRecording(), {}));
  }

  @RequireRoles(...CONTROLLERS)
  @GrpcMethod(SERVICE, 'ResumeRecording')
  resumeRecording(@Payload() request: callControlV1.ResumeRecordingRequest): Promise<callControlV1.ResumeRecordingResponse> {
    return mapRpcErrors(() => (this.call('ResumeRecording', request.callId).resumeRecording(), {}));
  }

  @RequireRoles(...CONTROLLERS)
  @GrpcMethod(SERVICE, 'BlindTransfer')
  blindTransfer(@Payload() request: callControlV1.BlindTransferRequest, @Ctx() metadata: Metadata): Promise<callControlV1.BlindTransferResponse> {
    return mapRpcErrors(async () => {
      if (request.queueId || request.agentId) {
        const to: RoutingTransferTarget = request.queueId ? { queueId: request.queueId } : { agentId: request.agentId as string };
        const call = this.call('BlindTransfer', request.callId);
        const routing = this.routing;
        if (!routing) throw new TelephonyError('ROUTING_UNAVAILABLE', 'this gateway has no routing address to transfer through');
        const authorization = String(metadata.get('authorization')[0] ?? '');
        await call.transferThroughRouting(to, (interactionId) => routing.transfer({ authorization, tenantId: call.tenantId, interactionId, to }));
        return {};
      }
      const target = request.number || request.sipUri || '';
      if (!target) throw new TelephonyError('INVALID_TRANSFER_TARGET', 'give number, sip_uri, queue_id or agent_id');
      if (request.sipUri && !/^sips?:[^\s<>"]+$/.test(request.sipUri)) throw new TelephonyError('INVALID_TRANSFER_TARGET', 'sip_uri must be a sip: or sips: URI');
      const call = this.call('BlindTransfer', request.callId);
      const number = request.number ? toE164(request.number) : undefined;
      // Answered once the transfer has started; the far end's answer or failure shows in the call's events.
      await call.startTransferToExternal(number ?? target);
      return {};
    });
  }

  @RequireRoles(...CONTROLLERS)
  @GrpcMethod(SERVICE, 'Conference')
  conference(@Payload() request: callControlV1.ConferenceRequest): Promise<callControlV1.ConferenceResponse> {
    return mapRpcErrors(async () => {
      if (request.sipUri && !/^sips?:[^\s<>"]+$/.test(request.sipUri)) throw new TelephonyError('INVALID_TRANSFER_TARGET', 'sip_uri must be a sip: or sips: URI');
      const call = this.call('Conference', request.callId);
      if (request.agentId) return { partyId: await call.addParty({ agentId: request.agentId }) };
      const external = request.number ? toE164(request.number) : request.sipUri;
      if (!external) throw new TelephonyError('INVALID_TRANSFER_TARGET', 'give number, sip_uri or agent_id');
      return { partyId: await call.addParty({ external }) };
    });
  }

  /** The call, if it is on this pod and belongs to the caller's tenant (else NOT_FOUND, saying nothing more). */
  private call(rpc: string, callId: string): CallSession {
    const tenantId = TenantContext.requireTenantId(rpc);
    const session = this.gateway.session(callId);
    if (session.tenantId !== tenantId) throw new TelephonyError('CALL_NOT_FOUND', `call ${callId} is not on this gateway`);
    return session;
  }
}
