#!/usr/bin/env node
/**
 * The `signal-client` command line: `catalog`, `validate`, `test`, `poll`, `run`, `status`
 * (`signal-client --help` describes each).
 */
import { exitWhenFlushed } from '../cli/exit-when-flushed.js';
import { installFatalErrorHandlers } from '../cli/fatal-errors.js';
import { runCli } from '../cli/program.js';

installFatalErrorHandlers();
exitWhenFlushed(await runCli(process.argv.slice(2)));
