import { describe, expect, it } from 'vitest';
import { homeassistantSettings } from '../../../src/config/hub-settings.js';

describe('homeassistant settings: heartbeat', () => {
  it('defaults to a ping every 30 s with a 10 s timeout', () => {
    expect(homeassistantSettings.parse({})).toMatchObject({ heartbeat_interval: 30, heartbeat_timeout: 10 });
  });

  it('takes durations (seconds, fractions too)', () => {
    expect(homeassistantSettings.parse({ heartbeat_interval: '1m', heartbeat_timeout: '0.5s' })).toMatchObject({
      heartbeat_interval: 60,
      heartbeat_timeout: 0.5,
    });
  });

  it('refuses a heartbeat that would ping in a busy loop, and malformed durations', () => {
    expect(homeassistantSettings.safeParse({ heartbeat_interval: 0 }).success).toBe(false);
    expect(homeassistantSettings.safeParse({ heartbeat_timeout: 'soon' }).success).toBe(false);
  });
});
