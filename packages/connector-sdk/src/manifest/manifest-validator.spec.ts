import { expect } from 'chai';
import type { ConnectorManifest } from './connector-manifest.js';
import { validateManifest } from './manifest-validator.js';
import { DEFAULT_STREAM, declaredStreams } from '../stream.js';

function goodManifest(): ConnectorManifest {
    return {
        id: 'signal-client.qualys',
        displayName: 'Qualys VM',
        description: 'Host detections, scans and KnowledgeBase from Qualys Vulnerability Management.',
        vendor: 'Qualys',
        category: 'vulnerability-management',
        sdk: '^0.1.0',
        entry: 'dist/index.js',
        auth: { method: 'basic' },
        configSchema: {
            type: 'object',
            additionalProperties: false,
            required: ['apiUrl', 'username', 'password'],
            properties: {
                apiUrl: { type: 'string', format: 'uri' },
                username: { type: 'string', minLength: 1 },
                password: { type: 'string', writeOnly: true },
                proxy: {
                    type: 'object',
                    properties: { url: { type: 'string' }, password: { type: 'string', writeOnly: true } }
                }
            }
        },
        defaults: { pollingInterval: '4h' },
        multiInstance: true,
        capabilities: ['host-detections', 'scans'],
        docsUrl: 'https://example.com/docs/qualys'
    };
}

/** The paths of the problems of a manifest that must be rejected. */
function problemPaths(raw: unknown): string[] {
    const result = validateManifest(raw);
    expect(result.ok, 'manifest should be rejected').to.equal(false);
    return result.ok ? [] : result.problems.map(p => p.path);
}

function withChanges(change: (m: Record<string, unknown>) => void): Record<string, unknown> {
    const manifest = goodManifest() as unknown as Record<string, unknown>;
    change(manifest);
    return manifest;
}

describe('validateManifest', () => {
    it('accepts a good manifest and returns it typed', () => {
        const result = validateManifest(goodManifest());
        expect(result).to.deep.equal({ ok: true, manifest: goodManifest() });
    });

    it('reports every missing field at its own path', () => {
        const paths = problemPaths(
            withChanges(m => {
                delete m.displayName;
                delete m.sdk;
                (m.defaults as Record<string, unknown>).pollingInterval = undefined;
            })
        );
        expect(paths).to.have.members(['displayName', 'sdk', 'defaults.pollingInterval']);
    });

    it('rejects what is not an object, without throwing', () => {
        for (const raw of [undefined, null, 42, 'manifest', []])
            expect(problemPaths(raw), String(raw)).to.deep.equal(['']);
    });

    it('rejects a bad id with a hint', () => {
        for (const id of ['Signal.Qualys', 'signal_client', 'qualys.', '.qualys', 'a..b', '']) {
            const result = validateManifest(withChanges(m => (m.id = id)));
            expect(result.ok ? [] : result.problems, id).to.deep.equal([
                {
                    path: 'id',
                    message: "must be lower-case letters and digits in words joined by '.' or '-'",
                    hint: "e.g. 'signal-client.qualys'"
                }
            ]);
        }
    });

    it('rejects an sdk that is not a semver range', () => {
        for (const sdk of ['latest', '^^1', 'v1..2'])
            expect(problemPaths(withChanges(m => (m.sdk = sdk))), sdk).to.deep.equal(['sdk']);
        expect(validateManifest(withChanges(m => (m.sdk = '>=0.1.0 <2'))).ok).to.equal(true);
    });

    it('rejects a polling interval that is not a duration or is too short', () => {
        for (const interval of ['5 minutes', '30', 'PT5M', '5ms', 42]) {
            const paths = problemPaths(withChanges(m => (m.defaults = { pollingInterval: interval })));
            expect(paths, String(interval)).to.deep.equal(['defaults.pollingInterval']);
        }
    });

    it('rejects an extra field at its path, also inside nested objects', () => {
        const paths = problemPaths(
            withChanges(m => {
                m.homepage = 'https://example.com';
                m.auth = { method: 'basic', realm: 'x' };
            })
        );
        expect(paths).to.have.members(['homepage', 'auth.realm']);
    });

    it('rejects a configSchema that is not an object schema', () => {
        expect(problemPaths(withChanges(m => (m.configSchema = 'settings')))).to.deep.equal(['configSchema']);
        expect(problemPaths(withChanges(m => (m.configSchema = { type: 'string' })))).to.have.members([
            'configSchema.type',
            'configSchema.properties'
        ]);
        expect(
            problemPaths(withChanges(m => (m.configSchema = { type: 'object', properties: { a: 'string' } })))
        ).to.deep.equal(['configSchema.properties.a']);
    });

    it('rejects a configSchema that does not compile', () => {
        const result = validateManifest(
            withChanges(m => (m.configSchema = { type: 'object', properties: { a: { type: 'strnig' } } }))
        );
        expect(result.ok ? [] : result.problems.map(p => p.path)).to.deep.equal(['configSchema']);
        expect(result.ok ? '' : result.problems[0].message).to.match(/^is not a valid JSON Schema/);
    });

    it('requires secrets to be writeOnly strings without a default', () => {
        const paths = problemPaths(
            withChanges(m => {
                m.configSchema = {
                    type: 'object',
                    properties: {
                        password: { type: 'string', writeOnly: true },
                        apiToken: { type: 'string' },
                        proxy: { type: 'object', properties: { client_secret: { type: 'string' } } },
                        pin: { type: 'number', writeOnly: true },
                        key: { type: 'string', writeOnly: true, default: 'changeme' }
                    }
                };
            })
        );
        expect(paths).to.have.members([
            'configSchema.properties.apiToken.writeOnly',
            'configSchema.properties.proxy.properties.client_secret.writeOnly',
            'configSchema.properties.pin.type',
            'configSchema.properties.key.default'
        ]);
    });

    it('requires a writeOnly credential when the connector authenticates', () => {
        const noSecrets = { type: 'object', properties: { host: { type: 'string' } } };
        expect(problemPaths(withChanges(m => (m.configSchema = noSecrets)))).to.deep.equal(['configSchema']);
        expect(
            validateManifest(withChanges(m => ((m.configSchema = noSecrets), (m.auth = { method: 'none' })))).ok
        ).to.equal(true);
    });

    it('rejects an entry outside the package and a docsUrl that is not an http(s) URL', () => {
        for (const entry of ['/abs/index.js', '../other/index.js', 'C:\\plugin\\index.js']) {
            expect(problemPaths(withChanges(m => (m.entry = entry))), entry).to.deep.equal(['entry']);
        }
        for (const url of ['docs', 'ftp://example.com/docs', 'https://']) {
            expect(problemPaths(withChanges(m => (m.docsUrl = url))), url).to.deep.equal(['docsUrl']);
        }
    });

    it('accepts alternative authentication methods and rejects unknown ones', () => {
        expect(validateManifest(withChanges(m => (m.auth = { method: 'basic', alternatives: ['token'] }))).ok).to.equal(
            true
        );
        expect(
            problemPaths(withChanges(m => (m.auth = { method: 'basic', alternatives: ['kerberos'] })))
        ).to.deep.equal(['auth.alternatives[0]']);
    });

    it('reports bad types, enums and duplicate capabilities all at once', () => {
        const result = validateManifest(
            withChanges(m => {
                m.auth = { method: 'kerberos' };
                m.multiInstance = 'yes';
                m.capabilities = ['scans', 'scans', 3];
            })
        );
        expect(result.ok ? [] : result.problems).to.deep.include.members([
            { path: 'auth.method', message: "must be one of 'basic', 'api_key', 'oauth2', 'token', 'none'" },
            { path: 'multiInstance', message: 'must be a boolean, not a string' },
            { path: 'capabilities[2]', message: 'must be a string, not an integer' }
        ]);
        expect(result.ok ? [] : result.problems.map(p => p.path)).to.include('capabilities');
    });

    it('accepts declared streams, and no streams at all (the single stream default)', () => {
        const streams = [
            { id: 'host_detections', title: 'Host detections', description: 'Detections per host.' },
            { id: 'scans', title: 'Scans', description: 'Scan state changes.' }
        ];
        expect(validateManifest(withChanges(m => (m.streams = streams))).ok).to.equal(true);
        expect(validateManifest(goodManifest()).ok).to.equal(true);
        expect(declaredStreams(goodManifest())).to.deep.equal([DEFAULT_STREAM]);
        expect(declaredStreams({ streams }).map(stream => stream.id)).to.deep.equal(['host_detections', 'scans']);
    });

    it('rejects a stream id that is not snake_case, a repeated one, a stream without title and an empty list', () => {
        const stream = (id: string) => ({ id, title: id, description: `The ${id}.` });
        const result = validateManifest(
            withChanges(m => {
                m.streams = [
                    stream('host-detections'),
                    stream('scans'),
                    stream('scans'),
                    { id: 'kb', description: 'x' }
                ];
            })
        );
        expect(result.ok ? [] : result.problems).to.deep.equal([
            {
                path: 'streams[0].id',
                message:
                    'must be snake_case: lower-case letters and digits in words joined by _, starting with a letter',
                hint: "e.g. 'host_detections'"
            },
            { path: 'streams[3].title', message: 'is required' },
            { path: 'streams[2].id', message: "'scans' is declared twice", hint: 'give every stream its own id' }
        ]);
        expect(problemPaths(withChanges(m => (m.streams = [])))).to.deep.equal(['streams']);
        for (const id of ['Scans', '_legacy', '1scans', 'scans_', 'a__b'])
            expect(problemPaths(withChanges(m => (m.streams = [stream(id)]))), id).to.deep.equal(['streams[0].id']);
    });
});
