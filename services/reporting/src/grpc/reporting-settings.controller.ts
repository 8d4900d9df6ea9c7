import { Controller, Inject, UseGuards, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { GrpcAuthGuard, RequireRoles, TenantContextInterceptor } from '@contactcenter/auth';
import { reportingV1 } from '@contactcenter/contracts';
import { TenantContext } from '@contactcenter/tenancy';
import { ReportingSettingsUseCase } from '../app/kpi-settings/kpi-settings.use-case';
import { MetricsQueryError } from '../app/get-metrics/metrics-query.error';
import type { IsoWeekday } from '../domain/facts/local-calendar';
import type { KpiSettings, ServiceLevelVariant } from '../domain/kpi/kpi-settings';
import { mapRpcErrors } from './rpc-error.mapper';

const { ServiceLevelVariant: V } = reportingV1;
const VARIANTS: Readonly<Record<number, ServiceLevelVariant>> = {
  [V.SERVICE_LEVEL_VARIANT_ABANDONS_IGNORED]: 'abandons-ignored',
  [V.SERVICE_LEVEL_VARIANT_ABANDONS_COUNT_AGAINST]: 'abandons-count-against',
  [V.SERVICE_LEVEL_VARIANT_ABANDONS_WITHIN_THRESHOLD_IN_FAVOUR]: 'abandons-within-threshold-in-favour',
};
const VARIANT_PROTO = Object.fromEntries(Object.entries(VARIANTS).map(([proto, variant]) => [variant, Number(proto)])) as Record<ServiceLevelVariant, reportingV1.ServiceLevelVariant>;

/** proto-loader gives int64 as Number with `longs: Number`, else a string or Long. */
const int = (value: unknown) => Number(String(value ?? 0));

/** Only the fields set (non-zero) override the service defaults. */
function overridesOf(message: reportingV1.KpiSettings | undefined): Partial<KpiSettings> {
  if (!message) throw new MetricsQueryError('invalid-input', 'settings is required');
  const overrides: { -readonly [K in keyof KpiSettings]?: KpiSettings[K] } = {};
  const variant = message.serviceLevelVariant ?? 0;
  if (variant !== 0) {
    if (!VARIANTS[variant]) throw new MetricsQueryError('invalid-input', `service_level_variant ${variant} is not supported`);
    overrides.serviceLevelVariant = VARIANTS[variant];
  }
  const durations = [
    ['serviceLevelThresholdMs', message.serviceLevelThresholdMs],
    ['shortAbandonThresholdMs', message.shortAbandonThresholdMs],
    ['fcrWindowMs', message.fcrWindowMs],
    ['latenessMs', message.latenessMs],
  ] as const;
  for (const [name, value] of durations) {
    const ms = int(value);
    if (ms < 0) throw new MetricsQueryError('invalid-input', `${name} must be >= 0`);
    if (ms > 0) overrides[name] = ms;
  }
  const chat = int(message.chatFirstResponseSlaMs);
  const email = int(message.emailFirstResponseSlaMs);
  if (chat < 0 || email < 0) throw new MetricsQueryError('invalid-input', 'first response SLAs must be >= 0');
  if (chat > 0 || email > 0) overrides.firstResponseSlaMsByChannel = { chat: chat || 60_000, email: email || 4 * 3_600_000 };
  // Validated with the rest by kpiSettings (an unknown zone is INVALID_ARGUMENT).
  if (message.timeZone) overrides.timeZone = message.timeZone;
  if (message.firstDayOfWeek) overrides.firstDayOfWeek = message.firstDayOfWeek as IsoWeekday;
  return overrides;
}

function messageOf(settings: KpiSettings): reportingV1.KpiSettings {
  return {
    serviceLevelVariant: VARIANT_PROTO[settings.serviceLevelVariant],
    serviceLevelThresholdMs: settings.serviceLevelThresholdMs,
    shortAbandonThresholdMs: settings.shortAbandonThresholdMs,
    fcrWindowMs: settings.fcrWindowMs,
    latenessMs: settings.latenessMs,
    chatFirstResponseSlaMs: settings.firstResponseSlaMsByChannel.chat ?? 0,
    emailFirstResponseSlaMs: settings.firstResponseSlaMsByChannel.email ?? 0,
    timeZone: settings.timeZone,
    firstDayOfWeek: settings.firstDayOfWeek,
  };
}

/** gRPC ReportingSettingsService: per-tenant KPI definitions and teams, for admins and supervisors. */
@Controller()
@UseGuards(GrpcAuthGuard)
@UseInterceptors(TenantContextInterceptor)
export class ReportingSettingsController {
  constructor(@Inject(ReportingSettingsUseCase) private readonly settings: ReportingSettingsUseCase) {}

  @RequireRoles('platform-admin', 'tenant-admin', 'supervisor', 'team-lead', 'integration')
  @GrpcMethod(reportingV1.REPORTING_SETTINGS_SERVICE_NAME, 'GetKpiSettings')
  getKpiSettings(): Promise<reportingV1.GetKpiSettingsResponse> {
    return mapRpcErrors(async () => ({ settings: messageOf(await this.settings.get(TenantContext.requireTenantId('GetKpiSettings'))) }));
  }

  @RequireRoles('platform-admin', 'tenant-admin')
  @GrpcMethod(reportingV1.REPORTING_SETTINGS_SERVICE_NAME, 'UpdateKpiSettings')
  updateKpiSettings(@Payload() request: reportingV1.UpdateKpiSettingsRequest): Promise<reportingV1.UpdateKpiSettingsResponse> {
    return mapRpcErrors(async () => ({
      settings: messageOf(await this.settings.replace(TenantContext.requireTenantId('UpdateKpiSettings'), overridesOf(request.settings))),
    }));
  }

  @RequireRoles('platform-admin', 'tenant-admin', 'supervisor')
  @GrpcMethod(reportingV1.REPORTING_SETTINGS_SERVICE_NAME, 'SetAgentTeam')
  setAgentTeam(@Payload() request: reportingV1.SetAgentTeamRequest): Promise<reportingV1.SetAgentTeamResponse> {
    return mapRpcErrors(async () => {
      const agentIds = request.agentIds ?? [];
      if (agentIds.length === 0 || agentIds.some((id) => !id)) throw new MetricsQueryError('invalid-input', 'agent_ids must name at least one agent');
      await this.settings.setTeam(TenantContext.requireTenantId('SetAgentTeam'), agentIds, request.teamId ?? '');
      return {};
    });
  }
}
