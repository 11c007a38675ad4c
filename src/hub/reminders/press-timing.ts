/**
 * How long a press takes inside hearth, for /metrics: from the websocket data carrying the
 * press reaching hearth's socket to the LED command written to it (or, for a press that sends
 * no command, to its handling done), and presses counted by routine and kind.
 */
import type { HaClient } from '../ha/client.js';
import type { Metrics } from '../metrics.js';

export interface PressTiming {
  /** When the frame carrying this change reached the socket (call first thing in the state callback). */
  arrived(): number;
  /**
   * Before the step: listens for the LED command's socket write. The returned function is told
   * how the step went (undefined: no step ran; `led`: a command was handed to the connection).
   */
  begin(t0: number): (outcome: { led: boolean } | undefined) => void;
  counted(routine: string, kind: string): void;
}

const HANDLING_BUCKETS = [0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05];

export function createPressTiming(ha: Pick<HaClient, 'lastDataAt' | 'onNextWrite'>, metrics: Metrics | undefined): PressTiming {
  // Get-or-create: a reload's new instance shares these series with the one it replaces.
  const pressesCounter = metrics?.counter('hearth_button_presses_total', 'Button presses handled, by routine and kind', [
    'routine',
    'kind',
  ]);
  const handlingHist = metrics?.histogram(
    'hearth_press_handling_seconds',
    "Presses that send a command: from the press's websocket data reaching hearth's socket to the LED command written to it",
    HANDLING_BUCKETS,
  );
  const noCommandHist = metrics?.histogram(
    'hearth_press_without_command_seconds',
    "Presses that send no command (nothing pending): from the press's websocket data reaching hearth to its handling done",
    HANDLING_BUCKETS,
  );
  return {
    arrived() {
      // The callback runs inside that socket read for an uncompressed frame; now, if the HA
      // client cannot tell.
      const arrived = ha.lastDataAt();
      const entered = performance.now();
      return arrived !== undefined && arrived <= entered && entered - arrived < 1000 ? arrived : entered;
    },
    begin(t0) {
      // The LED command is written inside the step (synchronously on an uncompressed socket):
      // listen for the write before it happens, and let go when no command went out.
      const written: { at?: number } = {};
      const cancel = handlingHist ? ha.onNextWrite((at) => void (written.at = at)) : undefined;
      return (outcome) => {
        if (!outcome) {
          cancel?.();
        } else if (outcome.led && written.at !== undefined) {
          handlingHist?.observe((written.at - t0) / 1000);
        } else if (outcome.led) {
          // Written later (the socket was busy): observed then.
          cancel?.();
          ha.onNextWrite((at) => handlingHist?.observe((at - t0) / 1000));
        } else {
          cancel?.();
          noCommandHist?.observe((performance.now() - t0) / 1000);
        }
      };
    },
    counted(routine, kind) {
      pressesCounter?.inc({ routine, kind });
    },
  };
}
