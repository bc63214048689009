import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { Clock, Logger } from '@signal-connectors/connector-sdk';
import type { SinkConfig } from '../config/runtime-config.js';
import type { ArtifactSink } from './artifact-sink.js';
import { HttpSink } from './http-sink.js';
import { JsonlSink } from './jsonl-sink.js';
import { StdoutSink } from './stdout-sink.js';

/** What {@link createSink} needs besides the sink's own config. */
export interface CreateSinkOptions {
    /** Absolute data directory; a relative JSONL `path` is resolved against it. */
    dataDir: string;
    logger: Logger;
    /** For the HTTP sink's waits between attempts. */
    clock?: Clock;
    /** For the stdout sink (default `process.stdout`). */
    stdout?: Writable;
}

/** Builds the sink a runtime config asks for. */
export function createSink(config: SinkConfig, options: CreateSinkOptions): ArtifactSink {
    const logger = options.logger.child({ component: 'sink', sink: config.type });
    switch (config.type) {
        case 'jsonl':
            return new JsonlSink({ path: resolve(options.dataDir, config.path), logger });
        case 'stdout':
            return new StdoutSink({ stream: options.stdout });
        case 'http':
            return new HttpSink({
                url: config.url,
                headers: config.headers,
                batchSize: config.batchSize,
                timeoutSeconds: config.timeoutSeconds,
                logger,
                clock: options.clock
            });
        default: {
            // A config that bypassed validation; the type system says this cannot happen.
            const unknown: { type?: unknown } = config;
            throw new Error(`unknown sink type ${JSON.stringify(unknown.type)}: use jsonl, stdout or http`);
        }
    }
}
