/**
 * Pooled evidence for a person's devices that share a room (carried together: a phone in a
 * pocket and a watch on the wrist). Their readings are independent looks at the same move, so
 * the mean of their leads is steadier than either alone: the group switches on its own evidence
 * account (margin `group_margin`, threshold `group_evidence`), and every member moves with it.
 * A device that parts from the group (a phone left on a desk) still moves on its own account
 * (device.ts). Pure.
 */
import { AWAY, type DeviceContext, type DeviceTrack, moveTo, needed, roomScores } from './device.js';

export interface GroupState {
  /** "room|tracker,tracker": the evidence belongs to one room and one set of members. */
  key?: string;
  evidence: Map<string, number>;
  at?: number;
}

export function updateGroup(state: GroupState, own: readonly DeviceTrack[], now: number, ctx: DeviceContext): void {
  const room = own[0]?.room;
  const together = room !== null && room !== undefined && room !== AWAY && own.length >= 2 && own.every((d) => d.room === room);
  const key = together ? `${room}|${own.map((d) => d.tracker).join(',')}` : undefined;
  if (key !== state.key) {
    state.evidence.clear();
    if (key === undefined) delete state.key;
    else state.key = key;
    state.at = now;
    return;
  }
  if (!together) return;
  const dt = Math.max(0, now - (state.at ?? now)) / 1000;
  state.at = Math.max(state.at ?? now, now);
  const leads = new Map<string, number[]>();
  for (const d of own) {
    const scores = roomScores(d, now, ctx);
    const mine = scores.high.get(room);
    if (mine === undefined || !scores.heard) continue;
    for (const [other, value] of scores.low) {
      if (other === room || (scores.unheard.has(other) && value === ctx.options.unheard_rssi)) continue;
      const list = leads.get(other) ?? [];
      list.push(value - mine - ctx.options.group_margin);
      leads.set(other, list);
    }
  }
  let winner: string | undefined;
  let most = 0;
  for (const [other, list] of leads) {
    // A room only one device hears has no pooled evidence: that device's own account decides.
    if (list.length < own.length) continue;
    const cap = ctx.options.evidence_cap;
    const lead = Math.max(-cap, Math.min(cap, list.reduce((a, b) => a + b, 0) / list.length));
    const e = Math.max(0, (state.evidence.get(other) ?? 0) + lead * dt);
    state.evidence.set(other, e);
    const share = e / needed(room, other, ctx.options.group_evidence, ctx);
    if (share > most) [winner, most] = [other, share];
  }
  for (const other of state.evidence.keys()) if (!leads.has(other) || leads.get(other)!.length < own.length) state.evidence.delete(other);
  if (winner !== undefined && most >= 1) {
    for (const d of own) moveTo(d, winner, now, ctx);
    state.evidence.clear();
    delete state.key;
  }
}
