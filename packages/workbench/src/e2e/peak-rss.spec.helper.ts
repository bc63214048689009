/**
 * Loaded into a CLI process under test with `--import` (see `measuredEnv`), before the CLI itself:
 * - `SIGNAL_TEST_PEAK_RSS_FILE`: where to write the process's peak resident set size, in bytes, as it exits;
 * - `SIGNAL_TEST_OWN_PID_LOCK`: a lock file of an earlier release to write with this process's own pid first, as a
 *   service restarted in a container finds one (it is pid 1 again).
 */
import { writeFileSync } from 'node:fs';

const peakFile = process.env.SIGNAL_TEST_PEAK_RSS_FILE;
if (peakFile !== undefined && peakFile !== '') {
    process.on('exit', () => writeFileSync(peakFile, String(process.resourceUsage().maxRSS * 1024)));
}
const ownPidLock = process.env.SIGNAL_TEST_OWN_PID_LOCK;
if (ownPidLock !== undefined && ownPidLock !== '') writeFileSync(ownPidLock, `${process.pid}\n`);
