/**
 * Runs the ESPHome device emulator (tests/stack/emulator/esphome_emulator.py, a test double
 * for firmware that cannot run here) with the rootfs's Python, and reads its READY lines.
 */
import { join } from 'node:path';
import { EMULATOR_SCRIPT, REPO_ROOT, rootfsCommand } from './paths.js';
import { ManagedProcess } from './process.js';
import { LOOPBACK } from './net.js';

export interface EmulatedDevice {
  name: string;
  port: number;
}

export class EmulatorProcess {
  process: ManagedProcess | undefined;
  readonly logFile: string;
  readonly stateFile: string;
  devices: EmulatedDevice[] = [];

  constructor(
    readonly baseDir: string,
    readonly configDir: string,
    readonly controlPort: number,
  ) {
    this.logFile = join(baseDir, 'emulator.log');
    this.stateFile = join(baseDir, 'emulator-state.json');
  }

  get controlUrl(): string {
    return `http://${LOOPBACK}:${this.controlPort}`;
  }

  /** Starts the emulator; resolves with the devices once it printed `READY control <port>`. */
  async start(timeoutMs = 60_000): Promise<EmulatedDevice[]> {
    const { cmd, args } = rootfsCommand('hass-python');
    const devices: EmulatedDevice[] = [];
    let resolveReady!: () => void;
    const ready = new Promise<void>((r) => (resolveReady = r));
    this.process = new ManagedProcess({
      name: 'esphome-emulator',
      cmd,
      args: [
        ...args,
        EMULATOR_SCRIPT,
        '--config-dir',
        this.configDir,
        '--control-port',
        String(this.controlPort),
        '--state-file',
        this.stateFile,
      ],
      logFile: this.logFile,
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PYTHONUNBUFFERED: '1',
        HEARTH_ROOTFS_BINDS: [process.env.HEARTH_ROOTFS_BINDS, this.baseDir].filter(Boolean).join(':'),
      },
      onStdoutLine: (line) => {
        const m = /^READY (\S+) (\d+)\s*$/.exec(line);
        if (!m) return;
        if (m[1] === 'control') resolveReady();
        else devices.push({ name: m[1]!, port: Number(m[2]) });
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`esphome emulator not READY after ${timeoutMs} ms; log ${this.logFile}`)), timeoutMs);
    });
    try {
      await this.process.guard(Promise.race([ready, timeout]));
    } finally {
      clearTimeout(timer);
    }
    this.devices = devices;
    return devices;
  }

  async stop(): Promise<void> {
    await this.process?.stop(10_000);
  }
}
