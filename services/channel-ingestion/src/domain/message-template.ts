import { InvalidChannelRequestError } from './channel.errors';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]{0,63})\s*\}\}/g;
const MAX_BODY = 4_096;
const NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}$/;

/** The variables a template body names, in order of first use. */
export function templateVariables(body: string): string[] {
  return [...new Set([...body.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

export function checkTemplate(name: string, body: string): { name: string; body: string; variables: string[] } {
  if (!NAME.test(name)) throw new InvalidChannelRequestError('template-name-invalid', 'a template name is 1 to 100 of letters, digits, space, _ . -');
  if (body.trim() === '') throw new InvalidChannelRequestError('template-body-empty', 'a template needs a body');
  if (body.length > MAX_BODY) throw new InvalidChannelRequestError('template-body-too-long', `at most ${MAX_BODY} characters`);
  return { name, body, variables: templateVariables(body) };
}

/** Fills every placeholder; a variable the caller did not give is an error, not an empty string. */
export function renderTemplate(body: string, variables: Readonly<Record<string, string>>): string {
  const missing = templateVariables(body).filter((name) => !(name in variables));
  if (missing.length > 0) throw new InvalidChannelRequestError('template-variable-missing', `no value for ${missing.join(', ')}`);
  return body.replace(PLACEHOLDER, (_, name: string) => variables[name]);
}
