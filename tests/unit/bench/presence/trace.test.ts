import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatTrace, parseTrace, truthAt, TraceError } from '../../../../bench/lib/presence/trace.js';
import { replay, score } from '../../../../bench/lib/presence/evaluate.js';

const fixture = new URL('../../../fixtures/presence/phone-on-desk-short.jsonl', import.meta.url);

describe('presence trace', () => {
  const text = readFileSync(fixture, 'utf8');

  it('round-trips byte for byte', () => {
    const trace = parseTrace(text);
    expect(trace.header.report_interval).toBe(2);
    expect(trace.readings.length).toBeGreaterThan(1000);
    expect(formatTrace(trace)).toBe(text);
  });

  it('answers the true room at a time', () => {
    const trace = parseTrace(text);
    expect(truthAt(trace.truth, 'sam', 0)).toBe(trace.truth[0]!.room);
  });

  it('keeps null readings (sensor unavailable)', () => {
    const head =
      '{"format":"hearth-presence-trace","version":1,"report_interval":10,"nodes":[{"node":"n","room":"r","rssi_offset":0}],"devices":[{"tracker":"p","person":"sam"}]}';
    const trace = parseTrace(`${head}\n{"t":5,"node":"n","tracker":"p","rssi":null}\n{"t":0,"person":"sam","room":"r"}\n`);
    expect(trace.readings).toEqual([{ t: 5, node: 'n', tracker: 'p', rssi: null }]);
    expect(formatTrace(trace)).toBe(`${head}\n{"t":0,"person":"sam","room":"r"}\n{"t":5,"node":"n","tracker":"p","rssi":null}\n`);
  });

  it('reports bad lines with their line number', () => {
    expect(() => parseTrace('')).toThrow(TraceError);
    expect(() => parseTrace('{"format":"other"}')).toThrow(/line 1: bad header/);
    const head = text.split('\n')[0]!;
    expect(() => parseTrace(`${head}\n{"t":1,"node":"kitchen-presence","tracker":"sam-phone"}`)).toThrow(/line 2: bad reading/);
    expect(() => parseTrace(`${head}\nnot json`)).toThrow(/line 2: not JSON/);
    expect(() => parseTrace(`${head}\n{"t":1,"node":"attic","tracker":"sam-phone","rssi":-70}`)).toThrow(/unknown node "attic"/);
  });

  it('replays through the engine with good accuracy (regression guard)', () => {
    const trace = parseTrace(text);
    const [result] = replay(trace);
    const s = score(trace, result!);
    expect(s.accuracy).toBeGreaterThan(0.95);
  });
});
