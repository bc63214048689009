#!/usr/bin/env node
/**
 * The `signal-client` command line: `catalog`, `validate`, `test`, `poll`, `run`, `status`
 * (`signal-client --help` describes each).
 */
import { fileURLToPath } from 'node:url';
import { relaunchWithHeapSettings } from './heap-settings.js';

// Before anything heavy is loaded: the heap caps only apply to a process started with them.
relaunchWithHeapSettings(process.argv[1] ?? fileURLToPath(import.meta.url));

const { installFatalErrorHandlers } = await import('../cli/fatal-errors.js');
installFatalErrorHandlers();
const { exitWhenFlushed } = await import('../cli/exit-when-flushed.js');
const { runCli } = await import('../cli/program.js');
exitWhenFlushed(await runCli(process.argv.slice(2)));
