/**
 * What a device's board can do for what its spec asks: every pin a kind claims (pin-claims.ts,
 * with the ESPHome platform and the use) is checked against the chip and module
 * (boards.ts) and against what that platform accepts (platform-pins.ts), and the board
 * must have Bluetooth where the kind needs it. Pure: one parsed device in, its issues out.
 *
 * Severity follows ESPHome: what its validators refuse is an error here, what they only warn
 * about (a strapping pin, GPIO9/10 on a quad-IO flash module, the USB-JTAG pins) is a warning.
 */
import { BOARDS, chipLabel, existingPins, hasBluetooth, pinFacts, pinName, pinRanges, strappingPins, type Board } from './boards.js';
import { configError, configWarning, type ConfigIssue } from './issues.js';
import type { DeviceSpec, PartialDeviceSpec } from './kinds/index.js';
import { pinClaims } from './pin-claims.js';
import { platformPinProblem, type PinClaim } from './platform-pins.js';

/** Kinds whose whole job needs Bluetooth LE. */
const NEEDS_BLE = new Set<DeviceSpec['kind']>(['presence-node']);

/**
 * Board and pin checks of one device: a parsed spec, or one as far as it parsed (a spec with a
 * missing key still has its pins checked, so the file shows every error in one run).
 */
export function checkDeviceHardware({ file, spec }: { file: string; spec: PartialDeviceSpec }): ConfigIssue[] {
  const boardName = spec.board;
  const board = boardName === undefined ? undefined : BOARDS[boardName];
  if (boardName === undefined || !board) return []; // already reported by the schema
  const issues: ConfigIssue[] = [];

  if (NEEDS_BLE.has(spec.kind) && !hasBluetooth(board)) {
    issues.push(
      configError(
        file,
        'board',
        `a ${spec.kind} scans Bluetooth LE, but board "${spec.board}" is an ${chipLabel(board)}, which has no Bluetooth; use an ESP32 board such as esp32dev`,
      ),
    );
  }

  const seen = new Map<number, PinClaim>();
  for (const claim of pinClaims(spec)) {
    const first = seen.get(claim.pin);
    if (first) {
      issues.push(configError(file, claim.path, `${pinName(claim.pin)} is already used by ${first.path}; each pin can do one job`));
    } else {
      seen.set(claim.pin, claim);
    }
    issues.push(...checkPin(file, claim, boardName, board));
  }
  return issues;
}

const USE_WORDS: Record<PinClaim['use'], string> = {
  'digital-in': 'a digital input',
  'digital-out': 'a digital output',
  pwm: 'a PWM output',
  addressable: 'an addressable-LED data line',
};

function checkPin(file: string, claim: PinClaim, boardName: string, board: Board): ConfigIssue[] {
  const { pin, path, use, role } = claim;
  const name = pinName(pin);
  const chip = chipLabel(board);
  const facts = pinFacts(board, pin);
  const issues: ConfigIssue[] = [];

  if (!facts.exists) {
    return [configError(file, path, `${name} does not exist on the ${chip}; its pins are ${pinRanges(existingPins(board))}`)];
  }
  if (facts.flash?.severity === 'error') {
    return [
      configError(
        file,
        path,
        `${name} is wired to the flash on the ${boardName} (${board.module}: ${facts.flash.function}); ESPHome refuses it and using it crashes the board`,
      ),
    ];
  }
  if (facts.flash) {
    issues.push(
      configWarning(
        file,
        path,
        `${name} may be taken by the flash on the ${boardName} (${board.module}: ${facts.flash.function} in quad-IO flash mode); ESPHome warns about it too. Use it only if this module's flash runs in DIO/DOUT mode (an ESP8285 board frees GPIO9/10)`,
      ),
    );
  }
  if (facts.analogOnly) {
    return [
      configError(
        file,
        path,
        `${name} (A0/TOUT) is analog-only on the ${chip} and cannot be ${USE_WORDS[use]} for ${role} (ESPHome rejects it: "GPIO17 (TOUT) is an analog-only pin"); pick a digital pin`,
      ),
    ];
  }
  const needsOutput = use !== 'digital-in';
  if (needsOutput && !facts.digitalOut) {
    return [
      configError(
        file,
        path,
        `${name} is input-only on the ${chip} and cannot drive ${role} (${USE_WORDS[use]}); pick an output-capable pin`,
      ),
    ];
  }
  const platformProblem = platformPinProblem(claim.platform, board, pin);
  if (platformProblem) {
    return [configError(file, path, `${name} cannot be ${USE_WORDS[use]} for ${role}: ${platformProblem}`)];
  }
  if (use === 'digital-in' && claim.pullup && !facts.pullup) {
    const why =
      board.chip === 'esp8266' && pin === 16
        ? 'GPIO16 on the ESP8266 has only a pull-down'
        : `${name} has no internal pull-up on the ${chip}`;
    issues.push(configError(file, path, `${why}; set pullup: false and fit an external pull-up resistor, or pick another pin`));
  }
  if (facts.usbJtag) {
    issues.push(
      configWarning(
        file,
        path,
        `${name} is shared with the ${chip}'s USB-Serial-JTAG (ESPHome warns); using it as a GPIO cuts the USB serial console`,
      ),
    );
  }
  if (use === 'digital-in' && facts.strapping) {
    issues.push(
      configWarning(
        file,
        path,
        `${name} is a strapping pin on the ${chip} (${pinRanges(strappingPins(board))}), read at boot: if ${role} is held down while the board powers up or resets, it can stop the board from booting; prefer a non-strapping pin`,
      ),
    );
  } else if (facts.strapping && board.chip === 'esp32') {
    // ESPHome's check_strapping_pin warns about every use on the ESP32 family (esphome/pins.py).
    issues.push(
      configWarning(
        file,
        path,
        `${name} is a strapping pin on the ${chip} (${pinRanges(strappingPins(board))}), read at boot (ESPHome warns too): wire ${role} so that it does not pull the pin away from its boot level at power-up, or pick a non-strapping pin`,
      ),
    );
  }
  return issues;
}
