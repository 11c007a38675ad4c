/**
 * What `npm run sandbox` adds to its hearth.yaml so a newcomer sees the coach work: two lavfi
 * webcams (paced, noisy, different patterns), the Ollama stand-in (ollama-main.ts) as the
 * model host, and check-ins every 15 minutes (cron) with a short jitter; stills not kept.
 */
import { lavfiGraph } from './lavfi-cameras.js';

export function sandboxCoachSections(ollamaUrl: string): Record<string, unknown> {
  return {
    cameras: [
      { name: 'desk', input: lavfiGraph({ size: '1280x720', rate: 30 }), format: 'lavfi', settle_frames: 10 },
      { name: 'kitchen', input: lavfiGraph({ size: '1280x720', rate: 30, source: 'smptehdbars', live: true }), format: 'lavfi', settle_frames: 10 },
    ],
    checkins: { cron: '*/15 * * * *', jitter: '30s', warm_up: '20s', in_quiet_hours: 'short' },
    ollama: { host: ollamaUrl, first_token_timeout: '60s', deadline: '90s' },
    lifecoach: { keep_stills: false },
  };
}
