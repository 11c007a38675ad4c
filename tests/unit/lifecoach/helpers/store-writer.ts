/**
 * Child process for the kill -9 test: writes check-ins with three capture records each, as
 * fast as it can, until it is killed. Prints "ready" after the first one.
 */
import Database from 'better-sqlite3';
import { createCheckinStore } from '../../../../src/lifecoach/store.js';
import { checkinRecord } from '../fixtures.js';

const db = new Database(process.argv[2]!);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
const store = createCheckinStore(db);
const big = 'x'.repeat(20_000); // large rows: a kill lands mid-write more often
for (let i = 0; ; i++) {
  const now = Date.now();
  store.save(
    checkinRecord(`c${i}`, now, { trigger: 'schedule', reason: big }),
    ['a', 'b', 'c'].map((camera) => ({ at: now, camera, why: `checkin:c${i}`, outcome: 'ok', ms: 1, bytes: 1 })),
  );
  if (i === 0) process.stdout.write('ready\n');
}
