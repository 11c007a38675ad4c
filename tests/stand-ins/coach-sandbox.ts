/**
 * What `npm run sandbox` adds to its hearth.yaml so a newcomer sees the coach work: two lavfi
 * webcams (paced, noisy, different patterns), the Ollama stand-in (ollama-main.ts) as the
 * model host, and check-ins every 15 minutes (cron) with a short jitter; stills not kept.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from '../stack/paths.js';
import { lavfiGraph } from './lavfi-cameras.js';
import { answerFromFacts, startOllamaStandIn } from './ollama-server.js';

export function sandboxCoachSections(ollamaUrl: string): Record<string, unknown> {
  return {
    cameras: [
      { name: 'desk', input: lavfiGraph({ size: '1280x720', rate: 30 }), format: 'lavfi', settle_frames: 10 },
      {
        name: 'kitchen',
        input: lavfiGraph({ size: '1280x720', rate: 30, source: 'smptehdbars', live: true }),
        format: 'lavfi',
        settle_frames: 10,
      },
    ],
    checkins: { cron: '*/15 * * * *', jitter: '30s', warm_up: '20s', in_quiet_hours: 'short' },
    ollama: { host: ollamaUrl, first_token_timeout: '60s', deadline: '90s' },
    lifecoach: { keep_stills: false },
  };
}

export interface SandboxCoach {
  /** hearth.yaml for the sandbox's hearth: the repo's, with the coach's sections. */
  configFile: string;
  ollamaUrl: string;
  /** What the sandbox prints about the coach, given hearth's URL and token file. */
  lines(hearthUrl: string, httpTokenFile: string): string[];
  stop(): Promise<void>;
}

/**
 * Starts the Ollama stand-in (in this process, answering from the prompt's facts after a 2 s
 * "cold load") and writes `<dir>/hearth-coach.yaml`: the repo's hearth.yaml (or `baseConfig`)
 * plus `sandboxCoachSections`. The sandbox passes `configFile` to startHearthProcess, whose
 * own settings (HA, MQTT, HTTP, state_dir) it overrides as usual. The lavfi webcams are run by
 * hearth itself (ffmpeg per capture). In tests/stack/sandbox.ts:
 *
 *   const coach = await startSandboxCoach(join(stack.dir, 'coach'));   // in connectHearth
 *   hearth = await startHearthProcess(stack.info(), { configFile: coach.configFile });
 *   return async () => { await hearth!.stop(); await coach.stop(); };
 *   // and in the printed lines: ...coach.lines(hearth!.url, hearth!.httpTokenFile)
 */
export async function startSandboxCoach(dir: string, baseConfig = join(REPO_ROOT, 'hearth.yaml')): Promise<SandboxCoach> {
  const standIn = await startOllamaStandIn();
  standIn.set({ answer: answerFromFacts, coldLoadMs: 2000, chunkDelayMs: 20 });
  const base = parse(readFileSync(baseConfig, 'utf8')) as Record<string, unknown>;
  // No phone is registered with the sandbox's HA: notifications go to HA's own notification
  // panel (notify.persistent_notification), not to a mobile_app service that is not there.
  const people = Array.isArray(base.people)
    ? (base.people as Record<string, unknown>[]).map((p) => ({ ...p, notify: 'persistent_notification' }))
    : base.people;
  const config = { ...base, people, ...sandboxCoachSections(standIn.url) };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const configFile = join(dir, 'hearth-coach.yaml');
  writeFileSync(configFile, stringify(config), { mode: 0o600 });
  return {
    configFile,
    ollamaUrl: standIn.url,
    lines: (hearthUrl, httpTokenFile) => [
      `Life coach      two lavfi webcams (desk, kitchen), the Ollama stand-in at ${standIn.url}; a check-in every 15 min`,
      '  in HA         button.sam_checkin_now, sensor.sam_checkin, image.lifecoach_desk, switch.lifecoach_cameras',
      `  try           curl -sf -X POST -H "Authorization: Bearer $(cat ${httpTokenFile})" "${hearthUrl}/api/checkin?wait=1"`,
    ],
    stop: () => standIn.close(),
  };
}
