/**
 * What a check-in says to the person, whoever wrote it (the model, or hearth from routine data
 * alone), and what the notification can offer: done / snooze for the routines it names that
 * are still open.
 */
import type { CheckinAnswer } from './answer.js';
import type { CheckinContext } from './context.js';

export type CheckinSource = 'model' | 'data';

export interface CheckinMessage {
  source: CheckinSource;
  /** Why it was built from data alone (model missing, timeout, cameras missing, …). */
  reason?: string;
  summary: string;
  message: string;
  observations: string[];
  /** Routine ids the message names. */
  routines: string[];
  /** Routines the notification offers done / snooze for (named and still open). */
  actionable: string[];
}

const OPEN = new Set(['pending', 'snoozed']);

export function actionableOf(routines: readonly string[], context: CheckinContext): string[] {
  const open = new Set(context.routines.filter((r) => OPEN.has(r.status)).map((r) => r.id));
  return routines.filter((id) => open.has(id));
}

/** The model's (fact-checked) answer as a message. */
export function messageFromAnswer(answer: CheckinAnswer, context: CheckinContext): CheckinMessage {
  const routines = answer.routines.map((r) => r.id);
  return {
    source: 'model',
    summary: answer.summary,
    message: answer.message,
    observations: answer.observations,
    routines,
    actionable: actionableOf(routines, context),
  };
}

/** HA state is at most 255 characters. */
export function stateText(summary: string): string {
  return summary.length <= 255 ? summary : `${summary.slice(0, 254)}…`;
}
