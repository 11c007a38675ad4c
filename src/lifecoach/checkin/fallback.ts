/**
 * The check-in built from routine data alone: what the person gets when the model cannot
 * answer (down, too slow, invalid, no vision, cameras missing) or is not asked (shortened
 * check-ins). Plain sentences from the context, marked with the reason. Pure.
 */
import type { CheckinContext, ContextRoutine } from './context.js';
import { actionableOf, type CheckinMessage } from './message.js';

const list = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

const titled = (routines: readonly ContextRoutine[]): string =>
  list(routines.map((r) => r.title.charAt(0).toLowerCase() + r.title.slice(1)));

export function fallbackCheckin(context: CheckinContext, reason: string, options: { short?: boolean } = {}): CheckinMessage {
  const by = (status: string) => context.routines.filter((r) => r.status === status);
  const pending = by('pending');
  const snoozed = by('snoozed');
  const done = by('done');
  const missed = by('missed');
  const upcoming = by('upcoming');
  const greeting = { morning: 'Good morning', afternoon: 'Good afternoon', evening: 'Good evening', night: 'Hello' }[context.day_part];

  const open = [...pending, ...snoozed];
  const summary = open.length
    ? `Still open: ${titled(open)}.`
    : done.length
      ? `All done so far: ${titled(done)}.`
      : upcoming.length
        ? `Coming up: ${titled(upcoming)}.`
        : 'Nothing due right now.';

  const sentences: string[] = [`${greeting}, ${context.person.name}.`];
  if (done.length) sentences.push(`Done today: ${titled(done)} — nice.`);
  if (pending.length) sentences.push(`Waiting for you: ${titled(pending)}.`);
  if (snoozed.length) sentences.push(`Snoozed: ${titled(snoozed)}.`);
  if (!options.short) {
    if (missed.length) sentences.push(`${titled(missed).replace(/^./, (c) => c.toUpperCase())} slipped earlier; no worries, next time.`);
    if (upcoming.length)
      sentences.push(
        `Later: ${list(upcoming.map((r) => `${r.title.charAt(0).toLowerCase()}${r.title.slice(1)}${r.due ? ` at ${r.due}` : ''}`))}.`,
      );
    if (context.todos.length) {
      const more = context.more_todos ? ` (and ${context.more_todos} more)` : '';
      sentences.push(
        `On your lists: ${list(context.todos.slice(0, 3).map((t) => t.summary))}${context.todos.length > 3 ? ', …' : ''}${more}.`,
      );
    }
  }
  if (sentences.length === 1) sentences.push('Nothing is waiting for you right now.');

  const routines = [...open, ...(options.short ? [] : done)].map((r) => r.id);
  return {
    source: 'data',
    reason,
    summary,
    message: sentences.join(' '),
    observations: [],
    routines,
    actionable: actionableOf(routines, context),
  };
}
