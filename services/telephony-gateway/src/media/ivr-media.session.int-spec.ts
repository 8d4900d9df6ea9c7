import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WaveFile } from 'wavefile';
import { IvrAction, IvrFlow, SAMPLE_IVR_FLOW } from '../domain/ivr';
import { IvrMediaSession } from './ivr-media.session';
import { SAMPLE_PROMPTS } from './prompts/prompt-catalog';
import { generatePrompts } from './prompts/prompt-generator';
import { PromptLibrary } from './prompts/prompt-library';
import { FileSystemRecordingStore } from './recording/filesystem-recording.store';
import { RtpEndpoint } from './rtp-endpoint';

const PROMPTS = resolve(__dirname, '../../prompts');
const MONDAY_NOON_BERLIN = Date.parse('2026-01-05T11:00:00Z');

describe(IvrMediaSession.name, () => {
  let caller: RtpEndpoint;
  let leg: RtpEndpoint;
  let library: PromptLibrary;
  let root: string;

  beforeAll(() => {
    generatePrompts(PROMPTS, SAMPLE_PROMPTS);
    library = new PromptLibrary(PROMPTS);
  });
  beforeEach(async () => {
    caller = await RtpEndpoint.open();
    leg = await RtpEndpoint.open();
    caller.setRemote('127.0.0.1', leg.local.port);
    leg.setRemote('127.0.0.1', caller.local.port);
    root = mkdtempSync(join(tmpdir(), 'cc-messages-'));
  });
  afterEach(async () => {
    await Promise.all([caller.close(), leg.close()]);
    rmSync(root, { recursive: true, force: true });
  });

  it('plays the sample IVR to a caller whose RFC 4733 key press during the menu queues the call for sales', async () => {
    const started = Date.now();
    const actions: IvrAction[] = [];
    const sut = new IvrMediaSession({
      flow: SAMPLE_IVR_FLOW,
      endpoint: leg,
      prompts: library,
      clock: () => MONDAY_NOON_BERLIN + (Date.now() - started),
      onAction: (action) => {
        actions.push(action);
        // Press 1 a moment into the menu prompt (barge-in).
        if (action.type === 'play' && action.prompts[0] === 'main-menu') setTimeout(() => void caller.sendDigit('1'), 500);
      },
    });

    const outcome = await sut.run();

    expect(outcome).toEqual({
      kind: 'finished',
      action: { type: 'queue', queueId: 'sales', skills: [], priority: 5, variables: {} },
      messages: [],
    });
    expect(actions.flatMap((a) => (a.type === 'step' ? [a.nodeId] : []))).toEqual(['welcome', 'hours', 'main-menu', 'sales', 'enqueue']);
    expect(actions.map((a) => a.type)).toContain('stopPlayback');
    // The whole greeting (~2.5 s) and part of the menu reached the caller.
    const welcome = await library.get('welcome');
    expect(caller.stats().received).toBeGreaterThan(welcome.frames.length + 20);
    expect(sut.promptFailures).toBe(0);
  });

  it('records a voicemail message until # and stores it as a mono WAV', async () => {
    const flow: IvrFlow = {
      id: 'voicemail',
      start: 'message',
      nodes: [
        { id: 'message', type: 'record', prompt: 'number-1', maxDurationMs: 10_000, terminator: '#', next: 'bye' },
        { id: 'bye', type: 'hangup' },
      ],
    };
    const speech = (await library.frames(['welcome'])).slice(0, 50);
    const sut = new IvrMediaSession({
      flow,
      endpoint: leg,
      prompts: library,
      messages: { store: new FileSystemRecordingStore(root), tenantId: 'tenant-a', callId: 'call-7' },
      onAction: (action) => {
        if (action.type === 'record') void caller.play(speech).then(() => caller.sendDigit('#'));
      },
    });

    const outcome = await sut.run();

    expect(outcome).toMatchObject({ kind: 'finished', action: { type: 'hangup', reason: 'completed' } });
    expect(outcome.messages).toHaveLength(1);
    const wav = new WaveFile(readFileSync(fileURLToPath(outcome.messages[0].uri)));
    const fmt = wav.fmt as { numChannels: number; sampleRate: number };
    const samples = wav.getSamples(false) as unknown as Float64Array;
    expect([fmt.numChannels, fmt.sampleRate]).toEqual([1, 8000]);
    // One second of speech, then the key press (~0.1 s) ends the message.
    expect(samples.length / 8000).toBeGreaterThan(1);
    expect(samples.length / 8000).toBeLessThan(1.6);
    expect(outcome.messages[0].uri).toMatch(/tenant-a\/call-7-message-1\.wav$/);
  });

  it('reports a caller who hangs up in the menu as abandoned at that node', async () => {
    const started = Date.now();
    const sut = new IvrMediaSession({
      flow: SAMPLE_IVR_FLOW,
      endpoint: leg,
      prompts: library,
      clock: () => MONDAY_NOON_BERLIN + (Date.now() - started),
      onAction: (action) => {
        if (action.type === 'play' && action.prompts[0] === 'main-menu') setTimeout(() => sut.abandon(), 200);
      },
    });

    expect(await sut.run()).toEqual({ kind: 'abandoned', nodeId: 'main-menu', messages: [] });
    expect(leg.playing).toBe(false);
  });
});
