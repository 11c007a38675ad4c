/** First-flash notes follow where the firmware came from and the chip. */
import { describe, expect, it } from 'vitest';
import { isTasmota, migrationNotes } from '../../../src/esphome/migration-notes.js';

describe('migrationNotes', () => {
  it('none for a device that never ran other firmware', () => {
    expect(migrationNotes(undefined, 'esp8266')).toEqual([]);
    expect(migrationNotes(undefined, 'esp32')).toEqual([]);
  });

  it('Tasmota on an ESP8266: SetOption78 1 and a restart come before the upload', () => {
    const text = migrationNotes('Tasmota 14.2', 'esp8266').join('\n');
    expect(text).toContain('Came with: Tasmota 14.2.');
    const step = text.indexOf('SetOption78 1');
    expect(step).toBeGreaterThan(0);
    expect(text.indexOf('Restart 1')).toBeGreaterThan(step);
    expect(text.indexOf('Upgrade by file upload')).toBeGreaterThan(step);
    expect(text).toContain('tasmota-minimal');
  });

  it('Tasmota32 on an ESP32: a serial first flash, no ESP8266 OTA steps', () => {
    const text = migrationNotes('tasmota32', 'esp32').join('\n');
    expect(text).toContain('serial');
    expect(text).not.toContain('SetOption78');
    expect(text).not.toContain('ESP8266');
  });

  it('other firmware: its name and a serial first flash', () => {
    const text = migrationNotes('Tuya stock firmware', 'esp8266').join('\n');
    expect(text).toContain('Came with: Tuya stock firmware.');
    expect(text).not.toMatch(/tasmota/i);
    expect(text).toContain('over serial');
  });

  it('recognises Tasmota however it is written', () => {
    expect(['Tasmota', 'tasmota', 'Tasmota 12.5 (Magic Home)', 'TASMOTA32'].every(isTasmota)).toBe(true);
    expect(isTasmota('ESPurna')).toBe(false);
  });
});
