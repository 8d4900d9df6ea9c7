export { ConferenceMixer, mixMinusOwn, PartyJitterBuffer } from './conference-mixer';
export type { HeardFrame } from './conference-mixer';
export { DtmfDetector } from './dtmf/dtmf-detector';
export type { DetectedDigit } from './dtmf/dtmf-detector';
export {
  decodeTelephoneEvent,
  digitOfEvent,
  encodeTelephoneEvent,
  eventOfDigit,
  TELEPHONE_EVENT_PAYLOAD_TYPE,
  telephoneEventPackets,
} from './dtmf/telephone-event';
export type { TelephoneEvent, TelephoneEventPacket } from './dtmf/telephone-event';
export { FrameClock, sharedFrameClock } from './frame-clock';
export { decodeG711, encodeG711, G711_CLOCK_RATE, G711_PAYLOAD_TYPES, G711_SILENCE, g711CodecOf, transcodeG711 } from './g711.codec';
export type { G711Codec } from './g711.codec';
export { IvrMediaSession } from './ivr-media.session';
export type { IvrMediaSessionOptions, IvrSessionOutcome } from './ivr-media.session';
export { HoldPlayer } from './prompts/hold-player';
export type { HoldPlayerOptions } from './prompts/hold-player';
export { queueAnnouncementPrompts } from './prompts/queue-announcement';
export type { QueueStatusForAnnouncement } from './prompts/queue-announcement';
export { SAMPLE_PROMPTS } from './prompts/prompt-catalog';
export type { PromptSource } from './prompts/prompt-catalog';
export { generatePrompts } from './prompts/prompt-generator';
export { PromptLibrary } from './prompts/prompt-library';
export { PromptPlayer } from './prompts/prompt-player';
export { promptFromWav } from './prompts/wav-prompt';
export type { Prompt } from './prompts/wav-prompt';
export { FileSystemRecordingStore } from './recording/filesystem-recording.store';
export { RecordingStoreError } from './recording/recording.store';
export type { RecordingRef, RecordingStore, RecordingToStore } from './recording/recording.store';
export { TwoChannelRecorder } from './recording/two-channel-recorder';
export type { FinishedRecording, RecordedPacket, RecordingLeg } from './recording/two-channel-recorder';
export { RtpBridge } from './rtp-bridge';
export type { BridgeLeg, RtpBridgeStats } from './rtp-bridge';
export { RtpEndpoint } from './rtp-endpoint';
export type { PlaybackOutcome, RtpEndpointOptions, RtpEndpointStats } from './rtp-endpoint';
export { RtpError } from './rtp/rtp-error';
export type { RtpErrorCode } from './rtp/rtp-error';
export { parseRtp, serializeRtp } from './rtp/rtp-packet';
export type { RtpPacketFields } from './rtp/rtp-packet';
export { FRAME_MS, RtpPacketizer, SAMPLES_PER_FRAME, splitFrames } from './rtp/rtp-packetizer';
export { RtpReceiveStats } from './rtp/rtp-receive-stats';
export type { RtpReceiveStatsSnapshot } from './rtp/rtp-receive-stats';
