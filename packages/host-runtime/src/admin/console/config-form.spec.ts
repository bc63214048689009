import { expect } from 'chai';
import type { CatalogEntry } from '../../discovery/catalog.js';
import { ACME_SCHEMA } from '../../test/admin-harness.js';
import { clearedSecrets, CUSTOM_CHOICE, formFields, settingsFromForm, type FormField } from './config-form.js';
import { instanceFormPage } from './instance-form-page.js';
import { settingRows } from './settings-summary.js';

const fields = formFields(ACME_SCHEMA);
const field = (path: string): FormField => fields.find(candidate => candidate.path === path)!;

const CONNECTOR = {
    id: 'acme.vuln',
    displayName: 'Acme VM',
    description: 'Collects Acme findings.',
    vendor: 'Acme',
    category: 'Vulnerability Management',
    docsUrl: 'https://docs.acme.example/connector',
    defaultPollingInterval: '30m',
    capabilities: ['findings'],
    multiInstance: true
} as unknown as CatalogEntry;

/** The add form as a page, with these entered values and problems. */
function render(values: Partial<Parameters<typeof instanceFormPage>[0]['values']> = {}, problems: { path: string; message: string; hint?: string }[] = []): string {
    return instanceFormPage({
        mode: 'create',
        connector: CONNECTOR,
        fields,
        csrf: 'csrf-token',
        values: { id: '', pollingInterval: '30m', enabled: true, settings: {}, configuredSecrets: [], ...values },
        problems
    }).text;
}

/** The markup of the field whose input has this id, from its wrapper to the next field. */
function fieldMarkup(page: string, id: string): string {
    const start = page.lastIndexOf('<div class="field', page.indexOf(`id="${id}"`));
    const end = page.indexOf('<div class="field', page.indexOf(`id="${id}"`));
    return page.slice(start, end === -1 ? undefined : end);
}

describe('config form: manifest to form', () => {
    it('makes one field per setting, in schema order, nested objects flattened under their title', () => {
        expect(fields.map(f => f.path)).to.deep.equal([
            'host',
            'username',
            'password',
            'pageSize',
            'includeResults',
            'severity',
            'statuses',
            'lookback',
            'proxyUrl',
            'apiVersion.detections'
        ]);
        expect(field('apiVersion.detections').title).to.equal('API versions › Detection API');
        expect(field('host')).to.include({ title: 'API server', description: 'The API server of your Acme platform.', required: true });
        expect(field('pageSize')).to.include({ kind: 'number', integer: true, default: 500, required: false });
        expect(field('includeResults')).to.include({ kind: 'checkbox', default: true });
        expect(field('statuses').kind).to.equal('choices');
        expect(field('lookback')).to.include({ kind: 'text' });
        expect(field('lookback').examples).to.deep.equal(['30d', '7d']);
    });

    it('turns an enum and an anyOf of consts into a dropdown; a free anyOf branch adds a typed-value choice', () => {
        expect(field('severity')).to.deep.include({ kind: 'select', options: ['low', 'medium', 'high'].map(v => ({ value: v, label: v })) });
        const host = field('host');
        expect(host.kind).to.equal('select');
        expect(host.options).to.deep.equal([
            { value: 'api.eu.acme.example', label: 'EU — api.eu.acme.example' },
            { value: 'api.us.acme.example', label: 'US — api.us.acme.example' }
        ]);
        expect(host.custom).to.deep.equal({
            choice: 'Private platform or custom URL',
            label: 'API server (private platform or custom URL)',
            examples: ['api.private.acme.example']
        });
    });

    it('makes a writeOnly field a password input that carries no default or examples', () => {
        expect(field('password')).to.include({ kind: 'password', secret: true, title: 'Password' });
        expect(field('password').examples).to.deep.equal([]);
        expect(field('password')).to.not.have.property('default');
    });

    it('renders labels from the titles, descriptions as help, examples as hints, defaults as placeholders and choices', () => {
        const page = render();
        expect(page).to.contain('<label for="f-settings-host">API server</label>');
        expect(page).to.contain('<label for="f-settings-username">Username</label>');
        expect(page).to.contain('<label for="f-id">Name</label>').and.contain('<label for="f-pollingInterval">Polling interval</label>');
        expect(page).to.match(/<input type="checkbox" id="f-enabled" name="enabled" value="on" checked><label for="f-enabled">Enabled<\/label>/);
        expect(page).to.contain('<p class="help" id="f-settings-host-help">The API server of your Acme platform.</p>');
        expect(fieldMarkup(page, 'f-settings-lookback')).to.contain('placeholder="30d"').and.contain('e.g. 30d, 7d');
        expect(fieldMarkup(page, 'f-settings-pageSize')).to.contain('type="number"').and.contain('placeholder="500"');
        expect(fieldMarkup(page, 'f-settings-includeResults')).to.match(/type="checkbox"[^>]* checked/);

        const host = fieldMarkup(page, 'f-settings-host');
        expect(host).to.contain('<select id="f-settings-host" name="settings.host"');
        expect(host).to.contain('<option value="" selected>Choose…</option>');
        expect(host).to.contain('<option value="api.us.acme.example">US — api.us.acme.example</option>');
        expect(host).to.contain(`<option value="${CUSTOM_CHOICE}">Private platform or custom URL</option>`);
        expect(host).to.contain('<label for="f-settings-host-custom">API server (private platform or custom URL)</label>');
        expect(host).to.contain('placeholder="api.private.acme.example"');
        const severity = fieldMarkup(page, 'f-settings-severity');
        expect(severity).to.contain('<option value="">(default: low)</option>').and.contain('<option value="high">high</option>');
        expect(page).to.contain('name="settings.statuses" value="New" checked').and.contain('name="settings.statuses" value="Fixed">');
    });

    it('puts the required settings first and folds the optional ones, unfolded when one of them has a problem', () => {
        const page = render();
        const folded = page.indexOf('<details class="optional">');
        expect(folded).to.be.above(page.indexOf('id="f-settings-password"'));
        expect(page.indexOf('id="f-settings-pageSize"')).to.be.above(folded);
        expect(page).to.contain('Optional settings <span class="muted">(7;');
        expect(render({}, [{ path: 'settings.pageSize', message: 'must be at least 1' }])).to.contain('<details class="optional" open>');
    });

    it('renders a password input that is never filled, and says when a value is stored', () => {
        const fresh = fieldMarkup(render({ settings: { password: 'must-not-render' } }), 'f-settings-password');
        expect(fresh).to.contain('type="password"').and.contain('autocomplete="new-password"').and.contain(' required');
        expect(fresh).to.not.contain('must-not-render').and.not.contain(' value=');

        const stored = fieldMarkup(render({ configuredSecrets: ['password'] }), 'f-settings-password');
        expect(stored).to.contain('placeholder="configured — leave empty to keep it"').and.not.contain(' required');
        expect(stored).to.contain('name="clear.password"');

        const retype = fieldMarkup(render({ enteredSecrets: ['password'] }), 'f-settings-password');
        expect(retype).to.contain('enter it again');
    });

    it('selects a known value in the dropdown, and a typed one as the custom choice with its text filled', () => {
        const known = fieldMarkup(render({ settings: { host: 'api.us.acme.example' } }), 'f-settings-host');
        expect(known).to.contain('<option value="api.us.acme.example" selected>');
        expect(known).to.contain('name="custom.host" value=""');
        const typed = fieldMarkup(render({ settings: { host: 'https://api.private.acme.example' } }), 'f-settings-host');
        expect(typed).to.contain(`<option value="${CUSTOM_CHOICE}" selected>`);
        expect(typed).to.contain('name="custom.host" value="https://api.private.acme.example"');
    });

    it('shows every problem beside its field at once, with its hint, and counts them above the form', () => {
        const page = render({ id: 'Bad Name' }, [
            { path: 'id', message: "'Bad Name' is not a valid name" },
            { path: 'settings.host', message: 'is the web console', hint: "use 'api.eu.acme.example'" },
            { path: 'settings.username', message: 'is required' },
            { path: 'settings.statuses[1]', message: "'Gone' is not a status" }
        ]);
        expect(page).to.contain('4 settings need attention');
        expect(page).to.contain('id="f-settings-statuses-error"><p>&#39;Gone&#39; is not a status</p>');
        expect(page).to.contain('<li><a href="#f-settings-host">API server</a>: is the web console — use &#39;api.eu.acme.example&#39;</li>');
        expect(page).to.contain('id="f-id-error"><p>&#39;Bad Name&#39; is not a valid name</p>');
        expect(page).to.contain('id="f-settings-host-error"><p>is the web console</p><p class="hint">use &#39;api.eu.acme.example&#39;</p>');
        expect(page).to.contain('id="f-settings-username-error"><p>is required</p>');
        expect(page).to.match(/id="f-settings-username"[^>]*aria-describedby="f-settings-username-error f-settings-username-help"[^>]*aria-invalid="true"/);
    });
});

describe('config form: form to settings', () => {
    it('reads what was entered: numbers converted, unchecked boxes false, choices as a list, empty inputs left out', () => {
        const settings = settingsFromForm(fields, {
            'settings.host': 'api.eu.acme.example',
            'settings.username': ' analyst ',
            'settings.password': ' secret with spaces ',
            'settings.pageSize': '250',
            'settings.statuses': ['New', 'Fixed'],
            'settings.severity': '',
            'settings.lookback': '   ',
            'settings.apiVersion.detections': '4.0'
        });
        expect(settings).to.deep.equal({
            host: 'api.eu.acme.example',
            username: 'analyst',
            password: ' secret with spaces ',
            pageSize: 250,
            includeResults: false,
            statuses: ['New', 'Fixed'],
            apiVersion: { detections: '4.0' }
        });
    });

    it('takes the typed value when the custom choice is made, or typed without choosing it', () => {
        expect(settingsFromForm(fields, { 'settings.host': CUSTOM_CHOICE, 'custom.host': ' api.private.acme.example ' }).host).to.equal(
            'api.private.acme.example'
        );
        expect(settingsFromForm(fields, { 'settings.host': '', 'custom.host': 'typed.acme.example' }).host).to.equal('typed.acme.example');
        expect(settingsFromForm(fields, { 'settings.host': 'api.us.acme.example', 'custom.host': 'ignored' }).host).to.equal('api.us.acme.example');
        expect(settingsFromForm(fields, { 'settings.host': CUSTOM_CHOICE, 'custom.host': '' })).to.not.have.property('host');
    });

    it('keeps a non-number as typed for the validator to report, and lists the secrets to clear', () => {
        expect(settingsFromForm(fields, { 'settings.pageSize': 'many' }).pageSize).to.equal('many');
        expect(clearedSecrets(fields, { 'clear.password': 'on', 'clear.username': 'on' })).to.deep.equal(['password']);
    });
});

describe('config form: settings as the detail page lists them', () => {
    it('labels settings with the manifest titles, shows secrets only as configured and defaults as such', () => {
        const rows = settingRows(
            { host: 'api.us.acme.example', username: 'analyst', includeResults: false, statuses: ['New', 'Fixed'], apiVersion: { detections: '4.0' } },
            ['password'],
            fields
        );
        expect(rows).to.deep.equal([
            { label: 'API server', value: 'US — api.us.acme.example' },
            { label: 'Username', value: 'analyst' },
            { label: 'Password', value: 'configured' },
            { label: 'Page size', value: '500 (default)' },
            { label: 'Include scan results', value: 'No' },
            { label: 'Minimum severity', value: 'low (default)' },
            { label: 'Detection statuses', value: 'New, Fixed' },
            { label: 'Proxy URL', value: 'not set' },
            { label: 'API versions › Detection API', value: '4.0' }
        ]);
        expect(settingRows({}, [], fields).find(row => row.label === 'Password')?.value).to.equal('not set');
    });

    it('names settings the schema does not describe by their key in words, never in capitals', () => {
        expect(settingRows({ kbEnrichment: true, proxy: { caFile: '/etc/ca.pem' } }, ['apiKey'], [])).to.deep.equal([
            { label: 'KB enrichment', value: 'Yes' },
            { label: 'Proxy › CA file', value: '/etc/ca.pem' },
            { label: 'API key', value: 'configured' }
        ]);
    });
});
