import type { DataSource } from 'typeorm';
import type { TenantScope } from '@contactcenter/tenancy';
import type { CustomerIdentity, IdentityKind } from '../domain/customer-identity';
import type { InteractionRecord } from '../domain/interaction-record';
import type { CaseStatus, CaseView, CustomerView, InteractionView } from './history-views';
import { interactionView } from './interaction.repository';
import { readInTenant } from './tenant-read';

interface ScreenPopDocument {
  customer_id: string;
  display_name: string | null;
  created_at: string;
  updated_at: string;
  identities: { kind: IdentityKind; value: string }[];
  cases: { case_id: string; subject: string; status: CaseStatus; owner_id: string; created_at: string; updated_at: string }[];
  recent: { interaction_id: string; record: InteractionRecord; case_id: string | null; message_count: number }[];
}

// The ids of the live customer `live` and of those merged into it.
const ALIASES_OF_LIVE = `SELECT "customer_id" FROM "customers" WHERE "tenant_id" = s.tenant_id AND ("customer_id" = live."customer_id" OR "merged_into" = live."customer_id")`;

/**
 * The screen pop as one statement and one round trip (readInTenant): the live owner of an
 * identity (merges followed, erased customers absent), every identity of it, its open and pending
 * cases and its newest interactions, as one jsonb document. The same index paths as the
 * separate reads: identity by (tenant, kind, value), cases by customer, at most `limit`
 * interactions per alias from the timeline index.
 */
export class ScreenPopRepository {
  async pop(dataSource: Pick<DataSource, 'query'>, scope: TenantScope, identity: CustomerIdentity, limit: number): Promise<{ customer: CustomerView; openCases: CaseView[]; recentInteractions: InteractionView[] } | undefined> {
    const [row] = await readInTenant<{ document: ScreenPopDocument }>(
      dataSource,
      scope,
      `SELECT jsonb_build_object(
                'customer_id', live."customer_id", 'display_name', live."display_name", 'created_at', live."created_at", 'updated_at', live."updated_at",
                'identities', (SELECT COALESCE(jsonb_agg(jsonb_build_object('kind', o."kind", 'value', o."value") ORDER BY o."kind", o."value"), '[]'::jsonb)
                                 FROM "customer_identities" o WHERE o."tenant_id" = s.tenant_id AND o."customer_id" IN (${ALIASES_OF_LIVE})),
                'cases', (SELECT COALESCE(jsonb_agg(jsonb_build_object('case_id', k."case_id", 'subject', k."subject", 'status', k."status", 'owner_id', k."owner_id",
                                                                       'created_at', k."created_at", 'updated_at', k."updated_at") ORDER BY k."created_at" DESC, k."case_id" DESC), '[]'::jsonb)
                            FROM "cases" k WHERE k."tenant_id" = s.tenant_id AND k."customer_id" IN (${ALIASES_OF_LIVE}) AND k."status" IN ('open', 'pending')),
                'recent', (SELECT COALESCE(jsonb_agg(jsonb_build_object('interaction_id', r."interaction_id", 'record', r."record", 'case_id', r."case_id", 'message_count', r.message_count)
                                                     ORDER BY r."started_at" DESC, r."interaction_id" DESC), '[]'::jsonb)
                             FROM (SELECT i."interaction_id", i."record", i."case_id", i."started_at",
                                          (SELECT count(*)::int FROM "messages" m WHERE m."tenant_id" = s.tenant_id AND m."interaction_id" = i."interaction_id") AS message_count
                                     FROM "customers" a
                                    CROSS JOIN LATERAL (
                                      SELECT * FROM "interactions" x WHERE x."tenant_id" = s.tenant_id AND x."customer_id" = a."customer_id"
                                       ORDER BY x."started_at" DESC, x."interaction_id" DESC LIMIT $3) i
                                    WHERE a."tenant_id" = s.tenant_id AND (a."customer_id" = live."customer_id" OR a."merged_into" = live."customer_id")
                                    ORDER BY i."started_at" DESC, i."interaction_id" DESC LIMIT $3) r)) AS document
         FROM "customers" live
        WHERE live."tenant_id" = s.tenant_id AND live."erased_at" IS NULL AND live."merged_into" IS NULL
          AND live."customer_id" = (
            SELECT COALESCE(c."merged_into", c."customer_id") FROM "customer_identities" i
              JOIN "customers" c ON c."tenant_id" = i."tenant_id" AND c."customer_id" = i."customer_id"
             WHERE i."tenant_id" = s.tenant_id AND i."kind" = $1 AND i."value" = $2 AND c."erased_at" IS NULL)`,
      [identity.kind, identity.value, limit],
    );
    if (!row) return undefined;
    const { document } = row;
    const customerId = document.customer_id;
    return {
      customer: { customerId, displayName: document.display_name, identities: document.identities, createdAt: new Date(document.created_at), updatedAt: new Date(document.updated_at) },
      openCases: document.cases.map((k) => ({
        caseId: k.case_id,
        customerId,
        subject: k.subject,
        status: k.status,
        ownerId: k.owner_id,
        createdAt: new Date(k.created_at),
        updatedAt: new Date(k.updated_at),
      })),
      recentInteractions: document.recent.map((r) => interactionView({ ...r, customer_id: customerId })),
    };
  }
}
