import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { G711Codec } from '../g711.codec';
import { RtpError } from '../rtp/rtp-error';
import { Prompt, promptFromWav } from './wav-prompt';

const promptId = /^[A-Za-z0-9_.-]{1,64}$/;

/** Prompts of one directory (`<id>.wav`), decoded once per law and kept. */
export class PromptLibrary {
  private readonly cache = new Map<string, Promise<Prompt>>();

  constructor(private readonly directory: string) {}

  get(id: string, codec: G711Codec = 'PCMU'): Promise<Prompt> {
    // Ids come from tenant-authored flows: never let one name a path outside the directory.
    if (!promptId.test(id)) return Promise.reject(new RtpError('UNSUPPORTED_AUDIO', `"${id}" is not a prompt id`));
    const key = `${codec}:${id}`;
    let prompt = this.cache.get(key);
    if (!prompt) {
      prompt = readFile(join(this.directory, `${id}.wav`)).then((bytes) => promptFromWav(id, bytes, codec));
      prompt.catch(() => this.cache.delete(key));
      this.cache.set(key, prompt);
    }
    return prompt;
  }

  /** The frames of several prompts played back to back (an IVR `play` action). */
  async frames(ids: readonly string[], codec: G711Codec = 'PCMU'): Promise<Uint8Array[]> {
    const prompts = await Promise.all(ids.map((id) => this.get(id, codec)));
    return prompts.flatMap((p) => p.frames);
  }
}
