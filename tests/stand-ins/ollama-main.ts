/**
 * The Ollama stand-in as a process of its own (for `npm run sandbox` and manual tries):
 *
 *   npx tsx tests/stand-ins/ollama-main.ts [--port 11434] [--cold-load-ms 3000] [--mode answer]
 *
 * Listens on 127.0.0.1, answers check-ins from the facts in hearth's prompt (answerFromFacts),
 * prints `ollama stand-in listening on <url>`; SIGINT/SIGTERM stop it.
 */
import { answerFromFacts, startOllamaStandIn, type StandInMode } from './ollama-server.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const port = Number(option('--port') ?? 0);
const coldLoadMs = Number(option('--cold-load-ms') ?? 0);
const mode = (option('--mode') ?? 'answer') as StandInMode;
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isFinite(coldLoadMs) || coldLoadMs < 0) {
  console.error(
    'usage: ollama-main.ts [--port N] [--cold-load-ms N] [--mode answer|invalid_json|cut_off|thinking|error_500|error_midstream|stall|hang|empty|wrong_json]',
  );
  process.exit(2);
}
const standIn = await startOllamaStandIn({ port });
standIn.set({ answer: answerFromFacts, coldLoadMs, mode, chunkDelayMs: 20 });
console.log(`ollama stand-in listening on ${standIn.url}`);
const stop = (): void => void standIn.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
