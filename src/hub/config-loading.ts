/**
 * The hub's configuration and secrets, read at start (and the configuration again on reload).
 * What nothing can work without is fatal here: a ConfigError lists every issue, a SecretError
 * names the setting and the file (the CLI exits 2 on both).
 */
import type { HearthConfig } from '../config/hearth-config.js';
import type { Household } from '../config/household.js';
import { errorsOf, formatIssue, ConfigError } from '../config/issues.js';
import { checkHousehold } from '../config/load.js';
import { HA_TOKEN, HTTP_TOKEN, MQTT_PASSWORD, readOptionalSecret, readSecret, type Secret } from '../config/secret-files.js';
import type { Logger } from '../log.js';

/** Loads the household or throws ConfigError with every issue (warnings are logged). */
export async function loadForHub(configFile: string, devicesDir: string, log: Logger): Promise<Household> {
  const { household, issues } = await checkHousehold({ configFile, devicesDir });
  for (const issue of issues) if (issue.severity === 'warning') log.warn({ file: issue.file }, formatIssue(issue));
  if (!household || errorsOf(issues).length > 0) throw new ConfigError(issues);
  return household;
}

export interface HubSecrets {
  haToken: Secret;
  /** Undefined: the broker takes no password. */
  mqttPassword: Secret | undefined;
  httpToken: Secret;
}

/** The HA token, the MQTT password and the HTTP API token; throws SecretError naming the setting. */
export async function readHubSecrets(config: HearthConfig, env: NodeJS.ProcessEnv): Promise<HubSecrets> {
  const [haToken, mqttPassword, httpToken] = await Promise.all([
    readSecret(HA_TOKEN(config.homeassistant.token_file), { env }),
    readOptionalSecret(MQTT_PASSWORD(config.mqtt.password_file), { env }),
    readSecret(HTTP_TOKEN(config.http.token_file), { env }),
  ]);
  return { haToken, mqttPassword, httpToken };
}

/** The HTTP API token again (a reload may point at a new file or the file may have changed). */
export const readHttpToken = (config: HearthConfig, env: NodeJS.ProcessEnv): Promise<Secret> =>
  readSecret(HTTP_TOKEN(config.http.token_file), { env });
