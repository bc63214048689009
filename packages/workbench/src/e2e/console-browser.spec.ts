import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ConsoleEnvironment, leakForms, screenshotDir } from './console-harness.spec.helper.js';
import { readTree } from './e2e-harness.spec.helper.js';

/** Debian's Chromium; never a downloaded browser. */
const CHROMIUM = '/usr/bin/chromium';
const NAME = 'qualys-console';
/** The text input behind the API server dropdown's "Private cloud platform or custom URL" entry. */
const CUSTOM_SERVER_LABEL = 'API server (private cloud platform or custom URL)';

/** Waits until the tile of `name` has a status starting with `word` (the page refreshes itself every 2 s). */
async function waitForStatus(page: Page, name: string, word: string, timeoutMs = 40_000): Promise<string> {
    const status = page.getByRole('article', { name }).getByRole('status');
    const deadline = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
        text = ((await status.textContent({ timeout: 5000 }).catch(() => '')) ?? '').trim();
        if (text.startsWith(word)) return text;
        await page.waitForTimeout(250);
    }
    throw new Error(`the tile of ${name} did not turn ${word}; it says '${text}'`);
}

describe('e2e: the admin console in a browser', function () {
    this.timeout(180_000);
    let env: ConsoleEnvironment;
    let browser: BrowserContext;
    let profile: string;
    let shots: string;
    const pages: string[] = [];

    before(async () => {
        shots = await screenshotDir();
        profile = await mkdtemp(join(tmpdir(), 'signal-chromium-'));
        // A fresh profile directory per run (Playwright's way of passing --user-data-dir).
        browser = await chromium.launchPersistentContext(profile, {
            executablePath: CHROMIUM,
            viewport: { width: 1280, height: 900 },
            args: [
                '--headless',
                '--no-sandbox',
                '--disable-gpu',
                '--disable-quic',
                '--no-first-run',
                '--disable-background-networking',
                '--disable-component-update',
                '--disable-sync'
            ]
        });
        env = await ConsoleEnvironment.start();
    });

    after(async () => {
        await browser?.close();
        await env?.close();
        await rm(profile, { recursive: true, force: true });
    });

    it('adds, tests, watches, breaks, disables and deletes a Qualys integration; the password shows nowhere', async () => {
        const link = await env.run();
        const page = await browser.newPage();
        const keep = async (shot?: string) => {
            pages.push(await page.content());
            if (shot !== undefined) await page.screenshot({ path: join(shots, `${shot}.png`), fullPage: true });
        };

        // Logged in by the printed one-time link; the link does not work twice.
        await page.goto(link);
        expect(new URL(page.url()).pathname).to.equal('/integrations');
        await keep('integrations-empty');

        await page.getByRole('button', { name: 'Add integration' }).click();
        await page.getByLabel('Connector').selectOption('signal-client.qualys');
        const apiServer = page.getByLabel('API server', { exact: true });
        await apiServer.waitFor();
        // The platforms of the manifest in a dropdown; a private platform's URL is typed after choosing its entry.
        expect(await apiServer.locator('option').allTextContents()).to.include('US2 — qualysapi.qg2.apps.qualys.com');
        const customServer = page.getByLabel(CUSTOM_SERVER_LABEL);
        expect(await customServer.isVisible()).to.equal(false);
        await keep('add-integration');
        await page.getByLabel('Name', { exact: true }).fill(NAME);
        await page.getByLabel('Polling interval').fill('1h');
        expect(await page.getByLabel('Enabled', { exact: true }).isChecked()).to.equal(true);
        await apiServer.selectOption({ label: 'Private cloud platform or custom URL' });
        await customServer.fill('qualysguard.qg2.apps.qualys.com');
        await page.getByLabel('Username').fill(env.sandbox.credentials.username);
        await page.getByLabel('Password', { exact: true }).fill(ConsoleEnvironment.PASSWORD);
        await page.getByRole('button', { name: 'Save' }).click();

        // The web console host is refused beside its field, with the API server suggested.
        await keep('add-integration-errors');
        const hostError = page.locator('#f-settings-host-error');
        expect(await hostError.textContent({ timeout: 5000 })).to.contain('web console').and.contain('qualysapi.qg2.apps.qualys.com');
        expect(await page.getByLabel('Password', { exact: true }).inputValue()).to.equal('');

        expect(await customServer.inputValue()).to.equal('qualysguard.qg2.apps.qualys.com');
        expect(await page.getByLabel('Password', { exact: true }).getAttribute('placeholder')).to.contain('enter it again');
        await customServer.fill(env.sandbox.url);
        await page.getByLabel('Password', { exact: true }).fill(ConsoleEnvironment.PASSWORD);
        await page.getByRole('button', { name: 'Save' }).click();
        expect(new URL(page.url()).pathname).to.equal(`/integrations/${NAME}`);

        await page.getByRole('button', { name: 'Test connection' }).click();
        const report = (await page.locator('#test-report').textContent()) ?? '';
        expect(report).to.contain('Connection test: OK').and.contain('calls left').and.match(/limit\s+300/);
        await keep('integration-detail-tested');

        await page.goto(`${env.url}/integrations`);
        const healthy = await waitForStatus(page, NAME, 'Healthy');
        expect(healthy).to.contain('last poll succeeded');
        // The tile counts the last run's artifacts per stream.
        expect(await page.getByRole('article', { name: NAME }).textContent()).to.match(
            /Artifacts of the last run\s*Host detections\s[\d,]+ · KnowledgeBase\s[\d,]+ · Scans\s[\d,]+/
        );
        await keep('integrations');

        // A wrong password: the next poll and the connection test both fail with the authentication hint.
        await page.goto(`${env.url}/integrations/${NAME}/edit`);
        expect(await page.getByLabel('Password', { exact: true }).getAttribute('placeholder')).to.contain('configured');
        const wrong = 'Wr0ng-Console-Pa55-Jk3Dd';
        await page.getByLabel('Password', { exact: true }).fill(wrong);
        await page.getByRole('button', { name: 'Save' }).click();
        await page.goto(`${env.url}/integrations`);
        const failing = await waitForStatus(page, NAME, 'Failing');
        expect(failing).to.contain('auth');
        expect(await page.getByRole('article', { name: NAME }).textContent()).to.match(/What to do: .*password/i);
        await keep('integrations-failing');
        await page.goto(`${env.url}/integrations/${NAME}`);
        await page.getByRole('button', { name: 'Test connection' }).click();
        const failedReport = (await page.locator('#test-report').textContent()) ?? '';
        expect(failedReport).to.contain('Connection test: failed').and.match(/What to do: .*password/i);
        await keep('integration-detail-failing');

        // Disabled: no further polls, and Poll now is refused with the reason.
        await page.getByRole('button', { name: 'Disable' }).click();
        expect(await waitForStatus(page, NAME, 'Disabled')).to.contain('not polled');
        const calls = env.sandbox.requests.count('hld');
        await page.getByRole('button', { name: 'Poll now' }).click();
        expect(await page.getByRole('alert').textContent()).to.contain('is disabled');
        await page.waitForTimeout(3000);
        expect(env.sandbox.requests.count('hld')).to.equal(calls);

        await page.goto(`${env.url}/catalog`);
        await keep('catalog');
        await page.goto(`${env.url}/integrations/${NAME}`);
        await page.getByRole('link', { name: 'Delete' }).click();
        await page.getByRole('button', { name: `Delete ${NAME}` }).click();
        expect(new URL(page.url()).pathname).to.equal('/integrations');
        expect(await page.getByRole('article', { name: NAME }).count()).to.equal(0);
        await keep('integrations-after-delete');

        // The used link no longer logs anyone in.
        const second = await browser.newPage();
        await second.goto(link);
        expect(new URL(second.url()).pathname).to.equal('/login');
        expect(await second.getByRole('alert').textContent()).to.contain('already used');
        await second.screenshot({ path: join(shots, 'login-link-used.png'), fullPage: true });
        await second.close();

        const api = await env.call('GET', '/api/instances');
        const output = await env.stop();
        const { username } = env.sandbox.credentials;
        const secrets = [...leakForms(username, ConsoleEnvironment.PASSWORD), ...leakForms(username, wrong)];
        const files = await readTree(env.dataDir);
        expect(files.map(file => file.path)).to.include(join(env.dataDir, 'state.db'));
        for (const secret of secrets) {
            for (const [i, html] of pages.entries()) expect(html, `page ${i}`).to.not.contain(secret);
            expect(api.text).to.not.contain(secret);
            expect(output.stdout + output.stderr, 'service output').to.not.contain(secret);
            for (const file of files) expect(file.bytes.includes(Buffer.from(secret)), file.path).to.equal(false);
        }
        expect(output.stderr).to.match(/"message":"Audit: console session [0-9a-f]{8} create qualys-console"/);
        expect(output.stderr).to.match(/Audit: console session [0-9a-f]{8} delete qualys-console/);
    });
});
