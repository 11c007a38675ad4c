/**
 * Facts come only from the context: every routine the answer names must be one of the
 * context's routines, and what it suggests must fit the routine's state (praise only for a
 * done one, a nudge only for one not done); made-up and contradicting entries (and duplicates)
 * are dropped and reported, so the record keeps them. Pure.
 */
import type { CheckinAnswer } from './answer.js';
import type { CheckinContext } from './context.js';

export interface FactCheck {
  answer: CheckinAnswer;
  /** Routine ids the model named that the context does not have. */
  dropped: string[];
  /** `id:suggestion` pairs that contradict the routine's state (praise for one not done, a nudge for one done). */
  contradicted: string[];
}

export function factCheck(answer: CheckinAnswer, context: CheckinContext): FactCheck {
  const status = new Map(context.routines.map((r) => [r.id, r.status]));
  const seen = new Set<string>();
  const dropped: string[] = [];
  const contradicted: string[] = [];
  const routines = answer.routines.filter((r) => {
    const s = status.get(r.id);
    if (s === undefined) {
      dropped.push(r.id);
      return false;
    }
    if ((r.suggestion === 'well_done') !== (s === 'done')) {
      contradicted.push(`${r.id}:${r.suggestion}`);
      return false;
    }
    if (seen.has(r.id)) return false;
    seen.add(r.id);
    return true;
  });
  return { answer: { ...answer, routines }, dropped, contradicted };
}
