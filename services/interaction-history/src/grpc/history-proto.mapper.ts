import { historyV1, type Timestamp } from '@contactcenter/contracts';
import type { CountryCode } from 'libphonenumber-js';
import { type CustomerIdentity, normalizeIdentity } from '../domain/customer-identity';
import { InvalidHistoryRequestError, InvalidIdentityError } from '../domain/history.errors';
import { agentSegments, finalSurvey, finalWrapUp, interactionEndedAt, interactionOutcome, offerViews, type WrapUpView } from '../domain/interaction-record';
import type { CaseStatus, CaseView, CustomerView, InteractionView, MessageView, NoteView } from '../persistence/history-views';
import { CHANNELS, DIRECTIONS, IDENTITY_KINDS, invert } from '../proto-enum.mapper';

const CHANNEL_NUMBERS = invert(CHANNELS);
const DIRECTION_NUMBERS = invert(DIRECTIONS);
const KIND_NUMBERS = invert(IDENTITY_KINDS);
export const CASE_STATUSES: Readonly<Record<number, CaseStatus>> = {
  [historyV1.CaseStatus.CASE_STATUS_OPEN]: 'open',
  [historyV1.CaseStatus.CASE_STATUS_PENDING]: 'pending',
  [historyV1.CaseStatus.CASE_STATUS_RESOLVED]: 'resolved',
};
const CASE_STATUS_NUMBERS = invert(CASE_STATUSES);
const OUTCOMES = {
  open: historyV1.InteractionOutcome.INTERACTION_OUTCOME_OPEN,
  completed: historyV1.InteractionOutcome.INTERACTION_OUTCOME_COMPLETED,
  abandoned: historyV1.InteractionOutcome.INTERACTION_OUTCOME_ABANDONED,
  rejected: historyV1.InteractionOutcome.INTERACTION_OUTCOME_REJECTED,
};

export const timestamp = (ms: number | undefined): Timestamp | undefined => (ms === undefined ? undefined : { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 });

/** proto-loader hands int64 seconds over as a Long or string unless loaded with `longs: Number`. */
export function millisOf(value: Timestamp | undefined): number | undefined {
  if (!value) return undefined;
  return Number(String(value.seconds ?? 0)) * 1000 + Math.floor((value.nanos ?? 0) / 1_000_000);
}

export function identityOf(identity: historyV1.Identity | undefined, defaultRegion?: CountryCode): CustomerIdentity {
  const kind = IDENTITY_KINDS[identity?.kind ?? 0];
  if (!kind) throw new InvalidIdentityError('identity-kind-unknown', 'identity.kind is required');
  return normalizeIdentity(kind, identity?.value ?? '', defaultRegion);
}

export function caseStatusOf(value: number): CaseStatus {
  const status = CASE_STATUSES[value];
  if (!status) throw new InvalidHistoryRequestError('case-status-invalid', `case status ${value} is not supported`);
  return status;
}

export function channelOf(value: number) {
  const channel = CHANNELS[value];
  if (!channel) throw new InvalidHistoryRequestError('channel-invalid', `channel ${value} is not supported`);
  return channel;
}

export const customerMessage = (view: CustomerView): historyV1.Customer => ({
  customerId: view.customerId,
  displayName: view.displayName ?? '',
  identities: view.identities.map((identity) => ({ kind: KIND_NUMBERS[identity.kind], value: identity.value })),
  createdAt: timestamp(view.createdAt.getTime()),
  updatedAt: timestamp(view.updatedAt.getTime()),
});

const wrapUpMessage = (wrapUp: WrapUpView): historyV1.WrapUp => ({
  disposition: wrapUp.disposition,
  notes: wrapUp.notes,
  timedOut: wrapUp.timedOut,
  handleTimeMs: wrapUp.handleTimeMs,
  wrappedUpAt: timestamp(wrapUp.at),
});

export function interactionMessage(view: InteractionView): historyV1.Interaction {
  const { record } = view;
  const segments = agentSegments(record);
  const wrapUp = finalWrapUp(record);
  const survey = finalSurvey(record);
  return {
    interactionId: view.interactionId,
    customerId: view.customerId ?? '',
    channel: record.channel ? CHANNEL_NUMBERS[record.channel.value] : 0,
    direction: record.direction ? DIRECTION_NUMBERS[record.direction.value] : 0,
    queueId: record.queue?.value ?? '',
    agents: segments.map((s) => ({
      agentId: s.agentId,
      queueId: s.queueId,
      assignedAt: timestamp(s.assignedAt),
      completedAt: timestamp(s.completedAt),
      transferredAt: timestamp(s.transferredAt),
      wrapUp: s.wrapUp && wrapUpMessage(s.wrapUp),
    })),
    startedAt: timestamp(record.firstAt),
    queuedAt: timestamp(record.queuedAt),
    assignedAt: timestamp(segments[0]?.assignedAt),
    endedAt: timestamp(interactionEndedAt(record)),
    outcome: OUTCOMES[interactionOutcome(record)],
    disposition: wrapUp?.disposition ?? '',
    callId: record.callId?.value ?? '',
    messageCount: view.messageCount,
    wrapUpNotes: wrapUp?.notes ?? '',
    wrappedUpAt: timestamp(wrapUp?.at),
    transfers: record.transfers.map((t) => ({ fromAgentId: t.fromAgentId, fromQueueId: t.fromQueueId, toQueueId: t.toQueueId, toAgentId: t.toAgentId ?? '', transferredAt: timestamp(t.at) })),
    recordings: record.recordings.map((r) => ({ recordingId: r.recordingId, uri: r.uri, durationMs: r.durationMs, availableAt: timestamp(r.at) })),
    rejectionReason: record.rejected?.value ?? '',
    caseId: view.caseId ?? '',
    offers: offerViews(record).map((o) => ({ offerId: o.offerId, agentId: o.agentId, queueId: o.queueId, offeredAt: timestamp(o.offeredAt), endedAt: timestamp(o.endedAt), endReason: o.endReason ?? '' })),
    withdrawnAt: timestamp(record.withdrawn?.at),
    withdrawalReason: record.withdrawn?.value ?? '',
    subject: record.subject?.value ?? '',
    referenceToken: record.referenceToken?.value ?? '',
    survey: survey && { surveyId: survey.surveyId, csat: survey.csat, nps: survey.nps, ces: survey.ces, completedAt: timestamp(survey.at) },
  };
}

export const messageMessage = (view: MessageView): historyV1.HistoryMessage => ({
  messageId: view.messageId,
  interactionId: view.interactionId ?? '',
  customerId: view.customerId ?? '',
  channel: CHANNEL_NUMBERS[view.channel],
  direction: view.direction === 'inbound' ? historyV1.MessageDirection.MESSAGE_DIRECTION_INBOUND : historyV1.MessageDirection.MESSAGE_DIRECTION_OUTBOUND,
  agentId: view.agentId ?? '',
  text: view.text,
  attachmentNames: view.attachments.map((a) => a.fileName),
  attachments: view.attachments.map((a) => ({ ...a })),
  sentAt: timestamp(view.sentAt.getTime()),
});

export const noteMessage = (view: NoteView): historyV1.Note => ({
  noteId: view.noteId,
  customerId: view.customerId,
  interactionId: view.interactionId ?? '',
  authorId: view.authorId,
  text: view.text,
  createdAt: timestamp(view.createdAt.getTime()),
});

export const caseMessage = (view: CaseView): historyV1.Case => ({
  caseId: view.caseId,
  customerId: view.customerId,
  subject: view.subject,
  status: CASE_STATUS_NUMBERS[view.status],
  ownerId: view.ownerId,
  createdAt: timestamp(view.createdAt.getTime()),
  updatedAt: timestamp(view.updatedAt.getTime()),
});
