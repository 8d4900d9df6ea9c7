import { IvrFlow } from './ivr-flow';

/**
 * The demo tenant's IVR: greeting, business hours, a main menu (sales, support with an account
 * number, operator, repeat), voicemail after hours. Prompt ids match `prompts/prompts.json`.
 */
export const SAMPLE_IVR_FLOW: IvrFlow = {
  id: 'demo-main',
  start: 'welcome',
  nodes: [
    { id: 'welcome', type: 'play', prompts: ['welcome'], next: 'hours' },
    {
      id: 'hours',
      type: 'businessHours',
      hours: {
        timeZone: 'Europe/Berlin',
        weekly: [1, 2, 3, 4, 5].map((day) => ({ day, open: '08:00', close: '20:00' })),
        holidays: ['2026-12-25', '2026-12-26', '2027-01-01'],
      },
      open: 'main-menu',
      closed: 'after-hours',
    },
    {
      id: 'main-menu',
      type: 'menu',
      prompt: 'main-menu',
      options: { '1': 'sales', '2': 'account', '0': 'operator', '9': 'repeat' },
      timeoutMs: 5000,
      maxAttempts: 3,
      invalidPrompt: 'invalid-option',
      timeoutPrompt: 'no-input',
      onFailure: 'sales',
    },
    { id: 'repeat', type: 'goto', target: 'main-menu' },
    { id: 'sales', type: 'setQueue', queueId: 'sales', priority: 5, next: 'enqueue' },
    {
      id: 'account',
      type: 'collect',
      prompt: 'account-number',
      variable: 'accountNumber',
      minLength: 6,
      maxLength: 8,
      pattern: '[0-9]+',
      terminator: '#',
      timeoutMs: 8000,
      interDigitTimeoutMs: 4000,
      maxAttempts: 3,
      invalidPrompt: 'invalid-option',
      timeoutPrompt: 'no-input',
      next: 'support',
      onFailure: 'support',
    },
    { id: 'support', type: 'setQueue', queueId: 'support', skills: ['support'], priority: 3, next: 'enqueue' },
    { id: 'enqueue', type: 'queue' },
    { id: 'operator', type: 'transfer', prompt: 'transfer', target: '+4930123456' },
    { id: 'after-hours', type: 'record', prompt: 'after-hours', maxDurationMs: 60_000, terminator: '#', next: 'goodbye' },
    { id: 'goodbye', type: 'hangup', prompt: 'goodbye' },
  ],
};
