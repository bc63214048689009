import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { Clock, Logger } from '@signal-connectors/connector-sdk';
import type { SinkConfig } from '../config/runtime-config.js';
import { FileModes } from '../files/file-modes.js';
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
        case 'jsonl': {
            const path = resolve(options.dataDir, config.path);
            return new JsonlSink({
                path,
                logger,
                group: config.group,
                passThrough: passThrough(options.dataDir, path)
            });
        }
        case 'stdout':
            return new StdoutSink({ stream: options.stdout });
        case 'http':
            return new HttpSink({
                url: config.url,
                headers: config.headers,
                batchSize: config.batchSize,
                timeoutSeconds: config.timeoutSeconds,
                allowInsecureHttp: config.allowInsecureHttp,
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

/**
 * The directories from the data directory down to the parent of an artifact directory inside it: a group that may
 * read the artifacts must be able to pass through them. None when the artifacts live outside the data directory.
 */
export function passThrough(dataDir: string, artifactsDir: string): string[] {
    const dirs: string[] = [];
    const rel = relative(dataDir, artifactsDir);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return dirs;
    for (let dir = dirname(artifactsDir); ; dir = dirname(dir)) {
        dirs.push(dir);
        if (dir === dataDir || dirname(dir) === dir) return dirs;
    }
}

/**
 * The mode of the data directory for a sink config: 0710 when a group may read artifacts kept inside it (it must
 * pass through), else 0700.
 */
export function dataDirModeFor(config: SinkConfig, dataDir: string): number {
    if (config.type !== 'jsonl' || config.group === undefined) return FileModes.privateDirectory;
    return passThrough(dataDir, resolve(dataDir, config.path)).length > 0
        ? FileModes.passThroughDirectory
        : FileModes.privateDirectory;
}
