/**
 * What the repository's `npm start` runs: the configured service (`--config FILE` or `./signal-client.yaml`), or
 * the sandbox demo when there is no configuration (`npm start -- --help` for the options).
 */
import { runStart } from '../demo/start-program.js';
import { exitWhenFlushed, installFatalErrorHandlers } from '@signal-connectors/host-runtime';

installFatalErrorHandlers();
exitWhenFlushed(await runStart(process.argv.slice(2)));
