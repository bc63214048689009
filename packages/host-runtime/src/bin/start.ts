/**
 * What the repository's `npm start` runs: the configured service (`--config FILE` or `./signal-client.yaml`), or
 * the sandbox demo when there is no configuration (`npm start -- --help` for the options).
 */
import { runStart } from '../cli/demo/start-program.js';
import { exitWhenFlushed } from '../cli/exit-when-flushed.js';

exitWhenFlushed(await runStart(process.argv.slice(2)));
