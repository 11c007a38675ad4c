/**
 * The realistic radio simulator (bench/lib/radio/): deterministic per seed, and it has the
 * features the presence bench relies on. Short traces only (the bench runs the long ones).
 */
import { describe, expect, it } from 'vitest';
import { drawHouse, HALL, ownShare, wallLoss } from '../../../../bench/lib/radio/house.js';
import { bodyLoss, ouStep } from '../../../../bench/lib/radio/radio.js';
import { random } from '../../../../bench/lib/radio/random.js';
import { nodeName, PHONE, simulateRadio } from '../../../../bench/lib/radio/simulate.js';

describe('realistic radio simulator', () => {
  it('is deterministic per seed and draws a different house and radio per seed', () => {
    const a = simulateRadio({ scenario: 'walks', seed: 11, duration: 300 });
    const b = simulateRadio({ scenario: 'walks', seed: 11, duration: 300 });
    const c = simulateRadio({ scenario: 'walks', seed: 12, duration: 300 });
    expect(JSON.stringify(a.readings)).toBe(JSON.stringify(b.readings));
    expect(a.radio.pathLossExponent).not.toBe(c.radio.pathLossExponent);
    for (const t of [a, c]) {
      expect(t.radio.pathLossExponent).toBeGreaterThanOrEqual(2.2);
      expect(t.radio.pathLossExponent).toBeLessThanOrEqual(3.0);
      expect(t.radio.shadowSigmaDb).toBeGreaterThanOrEqual(5);
      expect(t.radio.bodyDb).toBeGreaterThanOrEqual(5);
      expect(t.radio.bodyDb).toBeLessThanOrEqual(8);
      expect(t.house.names[0]).toBe(HALL);
      for (const w of t.house.walls.filter((x) => !x.exterior)) expect(w.loss).toBeGreaterThanOrEqual(6);
    }
  });

  it('reports like ESPHome throttle_average: nothing for an interval without packets, NaN (unknown) after a scan without the device', () => {
    const t = simulateRadio({ scenario: 'walks', seed: 3, duration: 600 });
    const numbers = t.readings.filter((r) => r.rssi !== null);
    expect(numbers.every((r) => Number.isInteger(r.rssi) && r.rssi! < -20 && r.rssi! > -100)).toBe(true);
    // Each link reports at most once per 2 s interval.
    for (const node of t.nodes.map((n) => n.node)) {
      const times = t.readings.filter((r) => r.node === node && r.tracker === PHONE).map((r) => r.t);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1999);
    }
    // Some links go unheard (far nodes, the floor), none unavailable without an outage.
    expect(t.readings.some((r) => r.missing === 'unheard')).toBe(true);
    expect(t.readings.some((r) => r.missing === 'unavailable')).toBe(false);
  });

  it('has the scenarios’ features: a blackout of every node, the phone on the desk, away spells', () => {
    const offline = simulateRadio({ scenario: 'node-offline', seed: 5, duration: 84 * 60 });
    expect(offline.blackouts).toEqual([{ from: 80 * 60_000, to: 83 * 60_000 }]);
    for (const n of offline.nodes) {
      expect(offline.readings.some((r) => r.node === n.node && r.missing === 'unavailable' && r.t >= 80 * 60_000)).toBe(true);
      expect(offline.readings.some((r) => r.node === n.node && r.rssi !== null && r.t > 80.1 * 60_000 && r.t < 83 * 60_000)).toBe(false);
    }
    const desk = simulateRadio({ scenario: 'phone-on-desk', seed: 5, duration: 30 * 60 });
    expect(desk.phoneDown!.from).toBeGreaterThanOrEqual(10 * 60_000);
    const leaving = simulateRadio({ scenario: 'leaving', seed: 5, duration: 3600 });
    const away = leaving.truth.filter((g) => g.room === 'away');
    expect(away.length).toBeGreaterThanOrEqual(2);
    // Coming home through the front door: the hall first.
    for (const g of away) expect(leaving.truth[leaving.truth.indexOf(g) + 1]!.room).toBe(HALL);
    expect(nodeName(HALL)).toBe('hall-presence');
  });

  it('walls, the body and shadowing behave as specified', () => {
    const house = drawHouse(random(7), 2.6);
    const hall = house.rooms[HALL]!;
    const inHall = { x: (hall.x0 + hall.x1) / 2, y: (hall.y0 + hall.y1) / 2 };
    expect(wallLoss(house, inHall, { x: inHall.x, y: -5 })).toBeGreaterThanOrEqual(6 + 9); // a hall wall and the outside wall
    expect(wallLoss(house, inHall, { x: inHall.x + 0.3, y: inHall.y })).toBe(0);
    for (const room of house.names.filter((n) => n !== HALL)) expect(ownShare(house, room, 2.6)).toBeGreaterThan(0.9);
    expect(bodyLoss(0, Math.PI, 6)).toBe(6); // node behind
    expect(bodyLoss(0, 0, 6)).toBe(0); // in front
    expect(bodyLoss(0, Math.PI / 2, 6)).toBe(0); // beside
    // OU: stationary σ and correlation over seconds.
    const r = random(1);
    let x = 0;
    const xs: number[] = [];
    for (let i = 0; i < 20_000; i++) xs.push((x = ouStep(x, 0.5, 6, 4, r)));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(sd).toBeGreaterThan(5);
    expect(sd).toBeLessThan(7);
    let lag = 0;
    for (let i = 2; i < xs.length; i++) lag += (xs[i]! - mean) * (xs[i - 2]! - mean);
    expect(lag / (xs.length - 2) / sd ** 2).toBeGreaterThan(0.6); // 1 s apart: exp(-1/4) ≈ 0.78
  });
});
