import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QualysSandbox } from '@signal-connectors/qualys-sandbox';
import { freePort, startCli, tempDir, type CliProcess } from './cli-process.spec.helper.js';

/** Where the console tests keep their screenshots (git-ignored). */
export const CONSOLE_SCREENSHOTS = fileURLToPath(new URL('../../../../.test-results/console/', import.meta.url));

/** Options of {@link ConsoleEnvironment.start}. */
export interface ConsoleOptions {
    /** Connection tests plus manual polls allowed per instance and window (default 20). */
    manualTriggers?: number;
}

/**
 * A console scene: a Qualys sandbox on loopback and a `signal-client run` process whose config has no instance,
 * an encryption key (`SIGNAL_SECRET_KEY`) and an admin token (`SIGNAL_ADMIN_TOKEN`) from its environment.
 */
export class ConsoleEnvironment {
    static readonly PASSWORD = 'C0nsole-Qu4lys-Pa55-Rt8Wm';
    static readonly SECRET_KEY = 'console-test-secret-key-5Yq2Lp0Xv9';
    static readonly TOKEN = 'console-test-admin-token-Hx4Nn7Be2Qs';

    service?: CliProcess;

    private constructor(
        readonly sandbox: QualysSandbox,
        readonly cwd: string,
        readonly port: number,
        private readonly removeDir: () => Promise<void>
    ) {}

    static async start(options: ConsoleOptions = {}): Promise<ConsoleEnvironment> {
        const sandbox = await QualysSandbox.start({
            hosts: 12,
            detectionsPerHost: 3,
            password: ConsoleEnvironment.PASSWORD,
            wallClock: true
        });
        const dir = await tempDir('signal-console');
        const port = await freePort();
        const config = [
            'dataDir: ./data',
            'admin:',
            `  listen: 127.0.0.1:${port}`,
            '  token: ${env:SIGNAL_ADMIN_TOKEN}',
            '  secretKey: ${env:SIGNAL_SECRET_KEY}',
            '  manualTriggers:',
            `    max: ${options.manualTriggers ?? 20}`,
            '    window: 10m',
            'instances: []'
        ];
        await writeFile(join(dir.path, 'signal-client.yaml'), `${config.join('\n')}\n`);
        return new ConsoleEnvironment(sandbox, dir.path, port, dir.remove);
    }

    get url(): string {
        return `http://127.0.0.1:${this.port}`;
    }

    get dataDir(): string {
        return join(this.cwd, 'data');
    }

    /** Starts `signal-client run`; resolves with the one-time login link it printed. */
    async run(env: Record<string, string> = {}): Promise<string> {
        this.service = startCli(['run', '--log-level', 'debug'], {
            cwd: this.cwd,
            env: { SIGNAL_SECRET_KEY: ConsoleEnvironment.SECRET_KEY, SIGNAL_ADMIN_TOKEN: ConsoleEnvironment.TOKEN, ...env },
            timeoutMs: 120_000
        });
        const match = await this.service.waitFor(/log in once with this link: (http\S+)\)/, 20_000);
        return match[1];
    }

    /** Stops the service with SIGTERM; resolves with its output. */
    async stop(): Promise<{ stdout: string; stderr: string; code: number | null }> {
        const service = this.service;
        this.service = undefined;
        if (service === undefined) return { stdout: '', stderr: '', code: 0 };
        service.child.kill('SIGTERM');
        return service.exited;
    }

    /** One HTTP request to the admin listener (node:http, so that Host and Origin can be set freely). */
    call(
        method: string,
        path: string,
        options: { body?: unknown; headers?: Record<string, string>; token?: string | false } = {}
    ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string; json: <T = Record<string, unknown>>() => T }> {
        const body = options.body === undefined ? undefined : JSON.stringify(options.body);
        const headers: Record<string, string> = {
            ...(options.token === false ? {} : { Authorization: `Bearer ${options.token ?? ConsoleEnvironment.TOKEN}` }),
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
            ...options.headers
        };
        return new Promise((resolve, reject) => {
            const req = request(`${this.url}${path}`, { method, headers }, response => {
                let text = '';
                response.setEncoding('utf8').on('data', chunk => (text += chunk));
                response.on('end', () =>
                    resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json: <T,>() => JSON.parse(text) as T })
                );
            });
            req.on('error', reject);
            req.end(body);
        });
    }

    async close(): Promise<void> {
        await this.stop();
        await this.sandbox.close();
        await this.removeDir();
    }
}

/** Makes the screenshot folder. */
export async function screenshotDir(): Promise<string> {
    await mkdir(CONSOLE_SCREENSHOTS, { recursive: true });
    return CONSOLE_SCREENSHOTS;
}

/** The forms a password could leak in: as typed, base64 in Basic credentials, URL-encoded. */
export function leakForms(username: string, password: string): string[] {
    return [password, Buffer.from(`${username}:${password}`).toString('base64'), encodeURIComponent(password)];
}
