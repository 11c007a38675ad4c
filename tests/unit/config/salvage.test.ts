/** salvage(): what of a value that failed its schema still parses, field by field. */
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { salvage } from '../../../src/config/salvage.js';
import { reminderButtonSpec } from '../../../src/config/kinds/reminder-button.js';
import { ledStripSpec } from '../../../src/config/kinds/led-strip.js';

describe('salvage', () => {
  it('keeps the fields that parse (as output, defaults applied), drops failing and unknown ones', () => {
    const value = { kind: 'reminder-button', name: 'a', board: 'esp32dev', button: { pin: 'GPIO6' }, led: { pin: 'D4' }, extra: 1 };
    expect(reminderButtonSpec.safeParse(value).success).toBe(false);
    expect(salvage(reminderButtonSpec, value)).toEqual({
      kind: 'reminder-button',
      name: 'a',
      board: 'esp32dev',
      button: { pin: 6, inverted: true, pullup: true },
      led: { inverted: false },
    });
  });

  it('a field given with a bad value gets no default in its place', () => {
    const schema = z.object({ a: z.boolean().default(true), b: z.string() });
    expect(salvage(schema, { a: 'yes' })).toEqual({});
  });

  it('follows a discriminated union to the alternative its discriminator names, and nowhere else', () => {
    const light = { type: 'rgbw', pins: { red: 12, green: 14, blue: 13 } };
    expect(salvage(ledStripSpec, { kind: 'led-strip', light })).toEqual({
      kind: 'led-strip',
      light: { type: 'rgbw', pins: { red: 12, green: 14, blue: 13 }, frequency: 1000 },
    });
    expect(salvage(ledStripSpec, { kind: 'led-strip', light: { ...light, type: 'rgbx' } })).toEqual({ kind: 'led-strip' });
  });

  it('a whole value that parses comes back as parsed; arrays element by element', () => {
    expect(salvage(z.array(z.number()), [1, 'x', 3])).toEqual([1, undefined, 3]);
    expect(salvage(z.string().default('d'), undefined)).toBe('d');
  });
});
