/*
 * Importing `node:http` as an ES module makes Node build that module's ES view, which reads every export of
 * `http`, and three of them (`WebSocket`, `CloseEvent`, `MessageEvent`) are getters that load Node's bundled undici:
 * about 8 MB that stays resident, for classes nothing here uses (nodejs/node#59686). got imports `node:http` so.
 */
import { createRequire } from 'node:module';

/** The exports of `node:http` that load undici when read. */
const UNDICI_EXPORTS = ['WebSocket', 'CloseEvent', 'MessageEvent'];

/**
 * Builds `node:http`'s ES module view with its undici exports set aside, then puts them back: in that view they are
 * `undefined` (`http.WebSocket` and the global `WebSocket` still work, loading undici on first use), and the
 * CommonJS exports are as they were. Call it before anything imports `node:http` as an ES module; once the view
 * exists, it changes nothing.
 */
export async function importHttpLazily(): Promise<void> {
    const http = createRequire(import.meta.url)('node:http') as object;
    const setAside = UNDICI_EXPORTS.flatMap(name => {
        const descriptor = Object.getOwnPropertyDescriptor(http, name);
        return descriptor?.get !== undefined && descriptor.configurable === true ? [{ name, descriptor }] : [];
    });
    for (const { name } of setAside) Reflect.deleteProperty(http, name);
    try {
        await import('node:http');
    } finally {
        for (const { name, descriptor } of setAside) Object.defineProperty(http, name, descriptor);
    }
}
