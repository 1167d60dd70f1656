// `npm run audit:verify`: walks the hash-chained audit log (DESIGN §4). Exits 0 when every
// entry verifies, printing the head hash to compare with one noted earlier (the chain alone
// cannot show that its newest entries were deleted); exits 1 at the first broken entry.
import { ConfigError, loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/database.js';
import { verifyAuditChain } from '../server/moderation/audit.js';

try {
  const { db } = await openDatabase(loadConfig());
  try {
    const result = await verifyAuditChain(db);
    if (result.ok) {
      console.log(`audit log intact: ${result.entries} entries, head ${result.headHash}`);
    } else {
      console.error(`audit log BROKEN at entry ${result.brokenAt}: ${result.reason}`);
      process.exitCode = 1;
    }
  } finally {
    await db.destroy();
  }
} catch (error) {
  console.error(`offscript: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
