import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WaveFile } from 'wavefile';
import { PromptSource, SAMPLE_PROMPTS } from './prompt-catalog';

export interface GeneratedPrompts {
  readonly directory: string;
  readonly created: readonly string[];
  readonly existing: readonly string[];
  /** Prompts written as a plain tone because espeak-ng or sox is not installed. */
  readonly tones: readonly string[];
}

/** The commands that synthesise prompts (found on PATH by default). */
export interface PromptTools {
  readonly espeak: string;
  readonly sox: string;
}

const DEFAULT_TOOLS: PromptTools = { espeak: 'espeak-ng', sox: 'sox' };

/** espeak-ng or sox is not on this machine. */
export class PromptToolMissingError extends Error {}

/**
 * Writes each missing prompt as `<directory>/<id>.wav`, 8 kHz mono µ-law: espeak-ng speaks,
 * sox resamples and encodes (or synthesises the hold melody). The WAVs are build output, not
 * sources, so they are generated where they are needed instead of committed.
 */
export function generatePrompts(
  directory: string,
  prompts: readonly PromptSource[] = SAMPLE_PROMPTS,
  // `tonesWhenToolsMissing`: a machine without espeak-ng/sox (e.g. someone trying `npm start`)
  // still gets a working IVR, with beeps instead of speech.
  options: { force?: boolean; voice?: string; tonesWhenToolsMissing?: boolean; tools?: PromptTools } = {},
): GeneratedPrompts {
  mkdirSync(directory, { recursive: true });
  const created: string[] = [];
  const existing: string[] = [];
  const tones: string[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'cc-prompts-'));
  try {
    for (const prompt of prompts) {
      const target = join(directory, `${prompt.id}.wav`);
      if (!options.force && existsSync(target)) {
        existing.push(prompt.id);
        continue;
      }
      // Written aside and renamed, so a concurrent reader never sees half a file.
      const partial = join(scratch, `${prompt.id}.wav`);
      try {
        synthesise(prompt, scratch, partial, options.voice, options.tools ?? DEFAULT_TOOLS);
      } catch (error) {
        if (!(error instanceof PromptToolMissingError) || !options.tonesWhenToolsMissing) throw error;
        writeFileSync(partial, toneWav(0.4, 'text' in prompt ? 440 : 330));
        tones.push(prompt.id);
      }
      renameSync(partial, target);
      created.push(prompt.id);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { directory, created, existing, tones };
}

function synthesise(prompt: PromptSource, scratch: string, partial: string, voice: string | undefined, tools: PromptTools): void {
  if ('text' in prompt) {
    const spoken = join(scratch, `${prompt.id}.speech.wav`);
    run(tools.espeak, ['-v', voice ?? 'en-us', '-s', '160', '-w', spoken, prompt.text]);
    run(tools.sox, [spoken, '-r', '8000', '-c', '1', '-e', 'u-law', '-b', '8', partial]);
  } else {
    const notes = prompt.notes.map((note, i) => {
      const file = join(scratch, `${prompt.id}.${i}.wav`);
      run(tools.sox, ['-n', '-r', '8000', '-c', '1', '-b', '16', file, 'synth', String(prompt.noteSeconds), 'pluck', note, 'vol', '0.4']);
      return file;
    });
    run(tools.sox, [...notes, '-e', 'u-law', '-b', '8', partial]);
  }
}

/** A beep followed by as long a silence, 8 kHz mono µ-law. */
function toneWav(seconds: number, hz: number): Uint8Array {
  const count = Math.round(8000 * seconds);
  const samples = new Int16Array(count * 2);
  for (let i = 0; i < count; i += 1) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / 8000));
  const wav = new WaveFile();
  wav.fromScratch(1, 8000, '16', samples);
  wav.toMuLaw();
  return wav.toBuffer();
}

function run(command: string, args: readonly string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) throw new PromptToolMissingError(`${command} could not run: ${result.error.message} (install espeak-ng and sox)`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr.trim()}`);
}
