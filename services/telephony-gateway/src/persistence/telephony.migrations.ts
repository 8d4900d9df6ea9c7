import { createInboxMigration, createOutboxMigration } from '@contactcenter/messaging';
import { CreateTelephonyTables1768000000000 } from './migrations/1768000000000-create-telephony-tables.migration';
import { AddSipAccountResolution1768000000001 } from './migrations/1768000000001-add-sip-account-resolution.migration';
import { CreateRegistrations1768000000002 } from './migrations/1768000000002-create-registrations.migration';
import { AllowPartyLegs1768000000003 } from './migrations/1768000000003-allow-party-legs.migration';

/** The gateway's schema in order; run as the database owner (ADR 0004). */
export const TELEPHONY_MIGRATIONS = [createOutboxMigration(), createInboxMigration(), CreateTelephonyTables1768000000000, AddSipAccountResolution1768000000001, CreateRegistrations1768000000002, AllowPartyLegs1768000000003];
