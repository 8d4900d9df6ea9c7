import { type DynamicModule, Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EventBus } from '@contactcenter/messaging';
import type { DataSource } from 'typeorm';
import { GetMetricsUseCase } from './app/get-metrics/get-metrics.use-case';
import { IngestFactsUseCase } from './app/ingest-facts/ingest-facts.use-case';
import { ReportingEventsConsumer } from './consumers/reporting-events.consumer';
import { IntervalKpiAccumulator } from './domain/kpi/interval-kpis.accumulator';
import { DEFAULT_KPI_SETTINGS, type KpiSettings } from './domain/kpi/kpi-settings';
import { HistoricalMetricsController } from './grpc/historical-metrics.controller';
import { StaffingController } from './grpc/staffing.controller';

export interface ReportingModuleOptions {
  /** The reporting database as the service role, already migrated (REPORTING_MIGRATIONS). */
  readonly dataSource: DataSource;
  readonly eventBus: EventBus;
  /** KPI definitions for every tenant (default: DEFAULT_KPI_SETTINGS). */
  readonly settings?: KpiSettings;
  /** Consumer group of the event consumer (default `reporting`). */
  readonly consumerGroup?: string;
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
 * Reporting: Kafka events → 15-minute interval aggregates; gRPC HistoricalMetricsService and
 * StaffingService. Needs AuthModule.forRoot(...) in the application, and its gRPC server to load
 * `protoFile('reporting', 'reporting_service')` and `protoFile('reporting', 'staffing_service')`.
 */
@Module({})
export class ReportingModule {
  static register(options: ReportingModuleOptions): DynamicModule {
    const accumulator = new IntervalKpiAccumulator(options.settings ?? DEFAULT_KPI_SETTINGS);
    return {
      module: ReportingModule,
      controllers: [HistoricalMetricsController, StaffingController],
      providers: [
        { provide: GetMetricsUseCase, useValue: new GetMetricsUseCase(options.dataSource, accumulator) },
        {
          provide: ReportingEventsConsumer,
          useValue: new ReportingEventsConsumer({
            dataSource: options.dataSource,
            eventBus: options.eventBus,
            ingest: new IngestFactsUseCase(accumulator),
            groupId: options.consumerGroup ?? 'reporting',
          }),
        },
        ReportingConsumerLifecycle,
      ],
    };
  }
}
