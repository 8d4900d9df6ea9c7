/** A prompt spoken by espeak-ng, or a tone melody synthesised by sox (hold music). */
export type PromptSource =
  | { readonly id: string; readonly text: string }
  | { readonly id: string; readonly notes: readonly string[]; readonly noteSeconds: number };

/**
 * The sample IVR's prompts (ids used by `SAMPLE_IVR_FLOW`) plus the pieces of the queue
 * announcements (see `queueAnnouncementPrompts`).
 */
export const SAMPLE_PROMPTS: readonly PromptSource[] = [
  { id: 'welcome', text: 'Welcome to the demo contact center.' },
  {
    id: 'main-menu',
    text: 'For sales, press 1. For support, press 2. To speak to the operator, press 0. To hear these options again, press 9.',
  },
  { id: 'invalid-option', text: 'Sorry, that is not a valid option.' },
  { id: 'no-input', text: 'Sorry, I did not hear your choice.' },
  { id: 'account-number', text: 'Please enter your account number, followed by the hash key.' },
  { id: 'transfer', text: 'Please hold while I transfer your call.' },
  { id: 'after-hours', text: 'We are closed. Please leave a message after the tone and press hash when you are done.' },
  { id: 'goodbye', text: 'Thank you for calling. Goodbye.' },
  { id: 'queue-position-intro', text: 'You are number' },
  { id: 'queue-position-outro', text: 'in the queue. Please stay on the line.' },
  { id: 'queue-waiting', text: 'All our agents are busy. Please stay on the line.' },
  { id: 'wait-intro', text: 'Your expected waiting time is about' },
  { id: 'minute', text: 'minute.' },
  { id: 'minutes', text: 'minutes.' },
  ...['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'].map((text, i) => ({ id: `number-${i + 1}`, text })),
  { id: 'hold-music', notes: ['C4', 'E4', 'G4', 'C5', 'G4', 'E4', 'F4', 'A4', 'C5', 'A4', 'G4', 'E4'], noteSeconds: 0.4 },
];
