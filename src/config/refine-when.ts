/**
 * When an object's own refinement (a rule across its fields) runs. zod 4 skips an object's
 * refinements as soon as any of its fields has an aborting issue — a missing required key, a
 * wrong type — so one missing key hid every cross-field error of the same object
 * (`trackers[0].person: is required` hid `trackers[0].irk: is required`); the user fixed one
 * error per run. `whenParsed(...fields)` runs a refinement whenever the fields it reads parsed
 * cleanly, whatever happened to the object's other fields (zod 4's `when` option of
 * refine/superRefine: the payload's issues are the object's own, paths relative to it).
 */
import type { z } from 'zod';

export function whenParsed(...fields: string[]): { when: (payload: z.core.ParsePayload) => boolean } {
  return {
    when: (payload) =>
      payload.value !== null &&
      typeof payload.value === 'object' &&
      !Array.isArray(payload.value) &&
      !payload.issues.some((issue) => fields.includes(String(issue.path?.[0]))),
  };
}
