/**
 * Child process for the kill -9 test: one check-in against a camera input that never delivers a
 * frame (a FIFO nobody writes, argv[3]: ffmpeg blocks in open() like on a hung device, and no
 * ffmpeg option times that out), into the SQLite file argv[2]. Prints "pgid <n>" when ffmpeg starts.
 */
import Database from 'better-sqlite3';
import { CheckinRunner } from '../../../../src/lifecoach/checkin/runner.js';
import { camera, captureWhen, checkinSettings } from '../../../../src/config/lifecoach.js';
import { captureStill } from '../../../../src/lifecoach/stills/capture.js';
import { createCameraSet } from '../../../../src/lifecoach/stills/camera-set.js';
import { createCheckinStore } from '../../../../src/lifecoach/store.js';

const db = new Database(process.argv[2]!);
db.pragma('journal_mode = WAL');
const cameras = createCameraSet({
  cameras: [camera.parse({ name: 'door', input: process.argv[3]!, format: 'mjpeg', timeout: '3s' })],
  capture: (spec, options) => captureStill(spec, { ...options, onSpawn: (pgid) => process.stdout.write(`pgid ${pgid}\n`) }),
});
const runner = new CheckinRunner({
  person: { id: 'sam', name: 'Sam' },
  timezone: 'Europe/London',
  settings: checkinSettings.parse({ data_first: false }),
  captureWhen: captureWhen.parse({}),
  clock: { now: () => Date.now() },
  sources: { routines: () => [], todos: async () => [], presence: () => ({ home: true }) },
  cameras,
  camerasOn: () => true,
  model: {
    model: 'none',
    checkModel: async () => ({ status: 'unreachable', model: 'none' }),
    chat: async () => {
      throw new Error('not called');
    },
  },
  modelOptions: {},
  store: createCheckinStore(db),
  notifier: { deliver: async () => {} },
});
await runner.run('manual');
process.stdout.write('done\n');
