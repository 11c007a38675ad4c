/**
 * The model's answer, as a zod schema: Ollama gets its JSON schema as `format` (a grammar the
 * output must follow) and the answer is validated with it again. Short limits keep the HA
 * state (≤ 255 characters) and a phone notification readable.
 */
import { z } from 'zod';

export const checkinAnswer = z
  .object({
    summary: z.string().min(1).max(120).describe('One short sentence: the gist of the check-in.'),
    message: z.string().min(1).max(800).describe('The check-in to the person: warm, concrete, two to four sentences.'),
    observations: z
      .array(z.string().min(1).max(200))
      .max(4)
      .describe('What the pictures show that bears on the routines or tasks (rooms and things, never judging the person).'),
    routines: z
      .array(
        z.object({
          id: z.string().describe('The routine id exactly as given in the context.'),
          suggestion: z.enum(['do_now', 'later', 'well_done']).describe('do_now: nudge now; later: fine to wait; well_done: praise.'),
        }),
      )
      .max(8)
      .describe('The routines the message talks about, by id.'),
  })
  .strict();

export type CheckinAnswer = z.output<typeof checkinAnswer>;
