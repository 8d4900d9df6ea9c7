import { type DynamicModule, Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EventBus } from '@contactcenter/messaging';
import type { DataSource } from 'typeorm';
import { AgentScheduleUseCase } from './app/agent-schedule/agent-schedule.use-case';
import { GetAgentTimelineUseCase } from './app/agent-timeline/get-agent-timeline.use-case';
import { ExportCsvUseCase } from './app/export-csv/export-csv.use-case';
import { GetMetricsUseCase } from './app/get-metrics/get-metrics.use-case';
import { IngestFactsUseCase } from './app/ingest-facts/ingest-facts.use-case';
import { ReportingSettingsUseCase } from './app/kpi-settings/kpi-settings.use-case';
import { TenantKpiSettings } from './app/kpi-settings/tenant-kpi-settings';
import { RealtimeHub, type RealtimeHubOptions } from './app/realtime/realtime-hub';
import { StaffingPlanUseCase } from './app/staffing-plan/staffing-plan.use-case';
import { TeamScopeUseCase } from './app/team-scope/team-scope.use-case';
import { ReportingEventsConsumer } from './consumers/reporting-events.consumer';
import { DEFAULT_KPI_SETTINGS, type KpiSettings } from './domain/kpi/kpi-settings';
import { AgentScheduleController } from './grpc/agent-schedule.controller';
import { HistoricalMetricsController } from './grpc/historical-metrics.controller';
import { RealtimeMetricsController } from './grpc/realtime-metrics.controller';
import { ReportingSettingsController } from './grpc/reporting-settings.controller';
import { StaffingController } from './grpc/staffing.controller';

export interface ReportingModuleOptions {
  /** The reporting database as the service role, already migrated (REPORTING_MIGRATIONS). */
  readonly dataSource: DataSource;
  readonly eventBus: EventBus;
  /** KPI definitions of tenants without their own (default: DEFAULT_KPI_SETTINGS). */
  readonly settings?: KpiSettings;
  readonly realtime?: RealtimeHubOptions;
  /** Rows per page of CSV exports (default 1,000). */
  readonly exportPageSize?: number;
  /** Consumer group of the event consumer (default `reporting`). */
  readonly consumerGroup?: string;
  /** Topics consumed (default REPORTING_TOPICS); tests and benchmarks use topics of their own. */
  readonly topics?: readonly string[];
}

/** Starts the event consumer once the application is up and stops it before the bus closes. */
class ReportingConsumerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(ReportingEventsConsumer) private readonly consumer: ReportingEventsConsumer) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.close();
  }
}

/**
 * Reporting: Kafka events → 15-minute interval aggregates and real-time views; gRPC
 * HistoricalMetricsService, RealtimeMetricsService, ReportingSettingsService and StaffingService.
 * Needs AuthModule.forRoot(...) in the application, and its gRPC server to load
 * `protoFile('reporting', 'reporting_service')` and `protoFile('reporting', 'staffing_service')`.
 */
@Module({})
export class ReportingModule {
  static register(options: ReportingModuleOptions): DynamicModule {
    const { dataSource } = options;
    const settings = new TenantKpiSettings(options.settings ?? DEFAULT_KPI_SETTINGS);
    const hub = new RealtimeHub(dataSource, settings, options.realtime);
    return {
      module: ReportingModule,
      controllers: [HistoricalMetricsController, RealtimeMetricsController, ReportingSettingsController, StaffingController, AgentScheduleController],
      providers: [
        { provide: GetMetricsUseCase, useValue: new GetMetricsUseCase(dataSource, settings) },
        { provide: GetAgentTimelineUseCase, useValue: new GetAgentTimelineUseCase(dataSource, settings) },
        { provide: ExportCsvUseCase, useValue: new ExportCsvUseCase(dataSource, settings, options.exportPageSize) },
        { provide: ReportingSettingsUseCase, useValue: new ReportingSettingsUseCase(dataSource, settings) },
        { provide: StaffingPlanUseCase, useValue: new StaffingPlanUseCase(dataSource, settings) },
        { provide: TeamScopeUseCase, useValue: new TeamScopeUseCase(dataSource) },
        { provide: AgentScheduleUseCase, useValue: new AgentScheduleUseCase(dataSource, settings) },
        { provide: RealtimeHub, useValue: hub },
        {
          provide: ReportingEventsConsumer,
          useValue: new ReportingEventsConsumer({
            dataSource,
            eventBus: options.eventBus,
            ingest: new IngestFactsUseCase(settings),
            groupId: options.consumerGroup ?? 'reporting',
            topics: options.topics,
            onIngested: (batch) => hub.feed(batch),
          }),
        },
        ReportingConsumerLifecycle,
      ],
    };
  }
}
