import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConfigProblem } from '@signal-connectors/connector-sdk';
import { AdminActionError } from '../../service/instance-admin.js';
import { instanceView, instanceViews, type AdminContext } from '../admin-context.js';
import type { TriggerLimit } from '../trigger-limit.js';
import { catalogPage } from './catalog-page.js';
import { deletePath, getPath } from '../../service/settings-paths.js';
import { clearedSecrets, formFields, settingsFromForm, type FormBody, type FormField } from './config-form.js';
import { csrfToken } from './csrf-token.js';
import { html, type SafeHtml } from './html.js';
import { confirmDeletePage, instanceDetailPage } from './instance-detail-page.js';
import { chooseConnectorPage, instanceFormPage, type InstanceFormModel } from './instance-form-page.js';
import { integrationsPage } from './integrations-page.js';
import { layout, type PageFrame } from './layout.js';

type IdRequest = FastifyRequest<{ Params: { id: string }; Body: FormBody; Querystring: { notice?: string } }>;

/** Fixed outcome messages a redirect may name (a query parameter never carries text to show). */
const NOTICES: Record<string, string> = {
    created: 'Saved. The first poll starts now; the tile turns green when it succeeds.',
    saved: 'Saved. The change applies at once.',
    'poll-started': 'Poll started. The status updates as it runs.',
    tested: 'Connection test finished; the result is below.',
    enabled: 'Enabled: polled on its schedule again.',
    disabled: 'Disabled: no further polls until enabled.',
    deleted: 'Deleted.'
};

/**
 * The console's pages: Integrations (tiles), Add integration (connector, then a form drawn from its config schema),
 * an integration's detail page (test, poll now, edit, enable/disable, delete, run history, log lines) and the
 * Catalog. Plain HTML forms with a CSRF token; the small script only refreshes live parts and submits the connector
 * choice.
 */
export function registerConsoleRoutes(app: FastifyInstance, options: AdminContext, limit: TriggerLimit): void {
    const page = (request: FastifyRequest, reply: FastifyReply, frame: Omit<PageFrame, 'csrf'>, content: SafeHtml) =>
        reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(layout({ ...frame, csrf: csrfToken(reply) }, content));
    const notice = (request: FastifyRequest<{ Querystring: { notice?: string } }>): PageFrame['notice'] => {
        const text = NOTICES[request.query.notice ?? ''];
        return text === undefined ? undefined : { kind: 'ok', text };
    };
    const base = (id: string) => `/integrations/${encodeURIComponent(id)}`;
    const schemaOf = (connector: string) => options.instances.schemaOf(connector);

    app.get('/', async (_request, reply) => reply.redirect('/integrations'));
    app.get('/integrations', async (request: FastifyRequest<{ Querystring: { notice?: string } }>, reply) =>
        page(request, reply, { title: 'Integrations', section: 'integrations', notice: notice(request) }, integrationsPage(instanceViews(options), options.catalog()))
    );
    app.get('/catalog', async (request, reply) => page(request, reply, { title: 'Catalog', section: 'catalog' }, catalogPage(options.catalog())));

    app.get('/integrations/new', async (request: FastifyRequest<{ Querystring: { connector?: string } }>, reply) => {
        const entry = options.catalog().find(connector => connector.id === request.query.connector);
        if (entry === undefined) return page(request, reply, { title: 'Add integration', section: 'integrations' }, chooseConnectorPage(options.catalog()));
        const model = formModel(reply, 'create', entry.id, {
            id: '',
            pollingInterval: entry.defaultPollingInterval,
            enabled: true,
            settings: {},
            configuredSecrets: []
        }, []);
        return page(request, reply, { title: `Add ${entry.displayName}`, section: 'integrations' }, instanceFormPage(model));
    });

    const formModel = (reply: FastifyReply, mode: InstanceFormModel['mode'], connector: string, values: InstanceFormModel['values'], problems: ConfigProblem[]): InstanceFormModel => ({
        mode,
        connector: options.catalog().find(entry => entry.id === connector)!,
        fields: formFields(schemaOf(connector) ?? {}),
        csrf: csrfToken(reply),
        values,
        problems
    });

    app.post('/integrations', async (request: FastifyRequest<{ Body: FormBody }>, reply) => {
        const body = request.body ?? {};
        const connector = first(body.connector);
        const entry = options.catalog().find(candidate => candidate.id === connector);
        if (entry === undefined) return page(request, reply.code(400), { title: 'Add integration', section: 'integrations', notice: { kind: 'error', text: 'Choose a connector first.' } }, chooseConnectorPage(options.catalog()));
        const fields = formFields(schemaOf(connector) ?? {});
        const input = { id: first(body.id).trim(), connector, enabled: body.enabled !== undefined, pollingInterval: first(body.pollingInterval), settings: settingsFromForm(fields, body) };
        const result = await options.admin.create(input, request.actor);
        if (result.ok) return reply.redirect(`${base(input.id)}?notice=created`, 303);
        const model = formModel(reply, 'create', connector, { ...input, ...shownAgain(input.settings, fields), configuredSecrets: [] }, result.problems);
        return page(request, reply.code(400), { title: `Add ${entry.displayName}`, section: 'integrations' }, instanceFormPage(model));
    });

    app.get('/integrations/:id', async (request: IdRequest, reply) => {
        const view = instanceView(options, request.params.id);
        if (view === undefined) return notFound(request, reply);
        const runs = options.redactValue(options.state.recentRuns(view.id, 50));
        const model = {
            view,
            connector: options.catalog().find(e => e.id === view.connector),
            runs,
            logs: options.logs.recent(view.id, 100),
            lastTest: options.admin.lastTest(view.id),
            csrf: csrfToken(reply)
        };
        // The manifest's fields stay out of the redaction: it would take their `secret` flags for secrets.
        const fields = formFields(schemaOf(view.connector) ?? {});
        return page(request, reply, { title: view.id, section: 'integrations', notice: notice(request) }, instanceDetailPage({ ...options.redactValue(model), fields }));
    });

    app.get('/integrations/:id/edit', async (request: IdRequest, reply) => {
        const live = options.instances.get(request.params.id);
        if (live === undefined) return notFound(request, reply);
        if (live.origin === 'file') {
            return errorPage(request, reply, 409, `'${live.id}' is managed by the config file; change it there and restart the service`);
        }
        const model = formModel(reply, 'edit', live.connector, { id: live.id, pollingInterval: live.pollingInterval, enabled: live.enabled, settings: live.plainSettings, configuredSecrets: live.configuredSecrets }, live.problems.map(p => ({ ...p })));
        return page(request, reply, { title: `Edit ${live.id}`, section: 'integrations' }, instanceFormPage(model));
    });

    app.post('/integrations/:id/edit', async (request: IdRequest, reply) => {
        const live = options.instances.get(request.params.id);
        if (live === undefined) return notFound(request, reply);
        const body = request.body ?? {};
        const fields = formFields(schemaOf(live.connector) ?? {});
        const input = { enabled: body.enabled !== undefined, pollingInterval: first(body.pollingInterval), settings: settingsFromForm(fields, body), clearSecrets: clearedSecrets(fields, body) };
        const result = await options.admin.update(live.id, input, request.actor);
        if (result.ok) return reply.redirect(`${base(live.id)}?notice=saved`, 303);
        const model = formModel(reply, 'edit', live.connector, { id: live.id, ...input, ...shownAgain(input.settings, fields), configuredSecrets: live.configuredSecrets }, result.problems);
        return page(request, reply.code(400), { title: `Edit ${live.id}`, section: 'integrations' }, instanceFormPage(model));
    });

    app.post('/integrations/:id/test', async (request: IdRequest, reply) => {
        const refused = await limited(request, reply);
        if (refused) return reply;
        await options.admin.test(request.params.id, request.actor);
        return reply.redirect(`${base(request.params.id)}?notice=tested#test-report`, 303);
    });
    app.post('/integrations/:id/poll', async (request: IdRequest, reply) => {
        const refused = await limited(request, reply);
        if (refused) return reply;
        options.admin.poll(request.params.id, request.actor);
        return reply.redirect(`${base(request.params.id)}?notice=poll-started`, 303);
    });
    for (const enabled of [true, false]) {
        app.post(`/integrations/:id/${enabled ? 'enable' : 'disable'}`, async (request: IdRequest, reply) => {
            const result = await options.admin.setEnabled(request.params.id, enabled, request.actor);
            if (!result.ok) throw new AdminActionError(409, result.problems.map(p => p.message).join('; '));
            return reply.redirect(`${base(request.params.id)}?notice=${enabled ? 'enabled' : 'disabled'}`, 303);
        });
    }
    app.get('/integrations/:id/delete', async (request: IdRequest, reply) => {
        if (options.instances.get(request.params.id) === undefined) return notFound(request, reply);
        return page(request, reply, { title: `Delete ${request.params.id}`, section: 'integrations' }, confirmDeletePage(request.params.id, csrfToken(reply)));
    });
    app.post('/integrations/:id/delete', async (request: IdRequest, reply) => {
        await options.admin.delete(request.params.id, request.actor);
        return reply.redirect('/integrations?notice=deleted', 303);
    });

    const limited = async (request: IdRequest, reply: FastifyReply): Promise<boolean> => {
        if (options.instances.get(request.params.id) === undefined) {
            await notFound(request, reply);
            return true;
        }
        let refusal: string | undefined;
        const allowed = await limit.allow(request, reply, message => (refusal = message));
        if (!allowed) await errorPage(request, reply, 429, refusal ?? 'too many requests');
        return !allowed;
    };
    const notFound = (request: FastifyRequest, reply: FastifyReply) => errorPage(request, reply.code(404), 404, 'No such integration.');
    const errorPage = (request: FastifyRequest, reply: FastifyReply, status: number, message: string) =>
        page(request, reply.code(status), { title: 'Not done', section: 'integrations', notice: { kind: 'error', text: message } }, html`<p><a href="/integrations">Back to Integrations</a></p>`);
}

function first(value: string | string[] | undefined): string {
    return (Array.isArray(value) ? value[0] : value) ?? '';
}

/**
 * What a form shown again after an error holds: the entered settings minus the secrets (a password is never echoed
 * back into a page), and which secrets were entered, so their inputs can ask for them again.
 */
function shownAgain(settings: Record<string, unknown>, fields: readonly FormField[]): { settings: Record<string, unknown>; enteredSecrets: string[] } {
    const copy = structuredClone(settings);
    const entered = fields.filter(field => field.secret && getPath(settings, field.path) !== undefined).map(field => field.path);
    for (const path of entered) deletePath(copy, path);
    return { settings: copy, enteredSecrets: entered };
}
