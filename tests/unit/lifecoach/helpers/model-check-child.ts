/**
 * Child process for the model-check memory test: checks the model at argv[2] (an Ollama host),
 * then warms it up, and prints after each whether Node's fetch implementation (undici) is loaded
 * in this process (`process.moduleLoadList`), as one JSON line.
 */
import { ollamaSettings } from '../../../../src/config/lifecoach.js';
import { createOllamaClient } from '../../../../src/lifecoach/ollama/client.js';

const undiciLoaded = (): boolean => (process as unknown as { moduleLoadList: string[] }).moduleLoadList.some((m) => m.includes('undici'));
const client = createOllamaClient(ollamaSettings.parse({ host: process.argv[2], model: process.argv[3] }));
const before = undiciLoaded();
const check = await client.checkModel();
const afterCheck = undiciLoaded();
await client.warmUp();
process.stdout.write(`${JSON.stringify({ status: check.status, before, afterCheck, afterWarmUp: undiciLoaded() })}\n`);
