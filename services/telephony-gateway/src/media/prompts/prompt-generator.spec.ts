import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_PROMPTS } from './prompt-catalog';
import { generatePrompts, PromptToolMissingError } from './prompt-generator';
import { promptFromWav } from './wav-prompt';

describe(generatePrompts.name, () => {
  let directory: string;
  // As on a machine where nobody installed espeak-ng or sox.
  const tools = { espeak: '/nonexistent/espeak-ng', sox: '/nonexistent/sox' };

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'cc-prompt-spec-'));
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('says which tools are missing unless tones are allowed', () => {
    expect(() => generatePrompts(join(directory, 'prompts'), SAMPLE_PROMPTS, { tools })).toThrow(PromptToolMissingError);
  });

  it('writes a playable 8 kHz µ-law tone for every prompt when the tools are missing', () => {
    const result = generatePrompts(join(directory, 'prompts'), SAMPLE_PROMPTS, { tonesWhenToolsMissing: true, tools });

    expect(result.tones).toEqual(SAMPLE_PROMPTS.map((prompt) => prompt.id));
    for (const { id } of SAMPLE_PROMPTS) {
      const prompt = promptFromWav(id, readFileSync(join(directory, 'prompts', `${id}.wav`)));
      expect(prompt.durationMs).toBe(800);
      expect(prompt.frames).toHaveLength(40);
    }
    expect(generatePrompts(join(directory, 'prompts'), SAMPLE_PROMPTS, { tonesWhenToolsMissing: true, tools }).existing).toHaveLength(SAMPLE_PROMPTS.length);
  });
});
