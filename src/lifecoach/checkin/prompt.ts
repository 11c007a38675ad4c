/**
 * The words the model gets: a fixed system prompt (role, tone, the rule that facts come only
 * from the context) and a user prompt carrying the context as JSON. Deterministic for a given
 * context, so its hash identifies it in the record. Pure.
 */
import { createHash } from 'node:crypto';
import type { CheckinContext } from './context.js';

export interface Prompt {
  system: string;
  prompt: string;
  /** SHA-256 (hex) of system + prompt. */
  hash: string;
}

export const SYSTEM_PROMPT = [
  'You are a warm, practical life coach for one person at home. You check in a few times a day.',
  'You get the facts as JSON and up to two webcam pictures of the home.',
  'Rules:',
  '- State as fact only what the JSON says. Routines: name only routines from "routines", by their exact "id"; never invent one.',
  '- The pictures may show the state of rooms and things (a made bed, dishes, a cluttered desk). Never comment on how the person looks.',
  '- Praise what is done, nudge gently for what is pending or snoozed, never scold for what was missed; streaks are encouragement, not pressure.',
  '- Do not repeat what recent_checkins already said.',
  '- Short: the summary is one sentence, the message two to four.',
  'Answer only with JSON that fits the given schema.',
].join('\n');

/** `short`: a check-in kept brief (quiet hours, away); the model is asked for one sentence. */
export function buildPrompt(context: CheckinContext, options: { short?: boolean } = {}): Prompt {
  const ask = options.short
    ? 'Write a very short check-in (one sentence) for the facts below.'
    : `Write the ${context.day_part} check-in for ${context.person.name} from the facts below${context.stills.some((s) => s.seen) ? ' and the pictures' : ''}.`;
  const prompt = `${ask}\n\nFacts:\n${JSON.stringify(context, null, 1)}`;
  const hash = createHash('sha256').update(SYSTEM_PROMPT).update('\0').update(prompt).digest('hex');
  return { system: SYSTEM_PROMPT, prompt, hash };
}
