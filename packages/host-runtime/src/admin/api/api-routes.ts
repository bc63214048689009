import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { InstanceInput } from '../../service/instance-admin.js';
import { instanceView, instanceViews, type AdminContext } from '../admin-context.js';
import type { TriggerLimit } from '../trigger-limit.js';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/**
 * The JSON API: catalog, instances (list, create, read, change, delete, enable, disable), connection tests, manual
 * polls, run history and recent log lines. Bodies and answers are JSON; a refusal is `{ error: { status, message } }`
 * and a rejected save `{ error, problems: [{ path, message, hint }] }`.
 */
export function registerApiRoutes(app: FastifyInstance, options: AdminContext, limit: TriggerLimit): void {
    const { admin } = options;
    const found = (request: IdRequest, reply: FastifyReply): boolean => {
        if (options.instances.get(request.params.id) !== undefined) return true;
        void reply.code(404).send(errorBody(404, `unknown instance '${request.params.id}'`));
        return false;
    };

    app.get('/api/catalog', async () => options.catalog());
    app.get('/api/instances', async () => instanceViews(options));
    app.get('/api/instances/:id', async (request: IdRequest, reply) => {
        if (!found(request, reply)) return reply;
        return instanceView(options, request.params.id);
    });
    app.post('/api/instances', async (request: FastifyRequest<{ Body: Partial<InstanceInput> }>, reply) => {
        const connector = String(request.body?.connector ?? '');
        const defaultInterval = options.catalog().find(entry => entry.id === connector)?.defaultPollingInterval ?? '';
        const input = inputFrom(request.body, { enabled: true, pollingInterval: defaultInterval });
        const result = await admin.create({ ...input, id: String(request.body?.id ?? ''), connector }, request.actor);
        if (!result.ok) return reply.code(400).send({ ...errorBody(400, 'the instance was not saved'), problems: result.problems });
        return reply.code(201).send(instanceView(options, result.instance.id));
    });
    app.put('/api/instances/:id', async (request: FastifyRequest<{ Params: { id: string }; Body: Partial<InstanceInput> }>, reply) => {
        if (!found(request, reply)) return reply;
        const live = options.instances.get(request.params.id)!;
        const result = await admin.update(request.params.id, inputFrom(request.body, live), request.actor);
        if (!result.ok) return reply.code(400).send({ ...errorBody(400, 'the instance was not saved'), problems: result.problems });
        return instanceView(options, request.params.id);
    });
    app.delete('/api/instances/:id', async (request: IdRequest, reply) => {
        if (!found(request, reply)) return reply;
        await admin.delete(request.params.id, request.actor);
        return reply.code(204).send();
    });
    for (const enabled of [true, false]) {
        app.post(`/api/instances/:id/${enabled ? 'enable' : 'disable'}`, async (request: IdRequest, reply) => {
            if (!found(request, reply)) return reply;
            const result = await admin.setEnabled(request.params.id, enabled, request.actor);
            if (!result.ok) return reply.code(409).send({ ...errorBody(409, 'the change was not saved'), problems: result.problems });
            return instanceView(options, request.params.id);
        });
    }
    app.post('/api/instances/:id/test', async (request: IdRequest, reply) => {
        if (!found(request, reply) || !(await limit.allow(request, reply))) return reply;
        const record = await admin.test(request.params.id, request.actor);
        return { instanceId: request.params.id, at: record.at, ...record.report };
    });
    app.post('/api/instances/:id/poll', async (request: IdRequest, reply) => {
        if (!found(request, reply) || !(await limit.allow(request, reply))) return reply;
        const { runId } = admin.poll(request.params.id, request.actor);
        return reply.code(202).send({ instanceId: request.params.id, runId, status: 'accepted' });
    });
    app.get('/api/instances/:id/runs', async (request: FastifyRequest<{ Params: { id: string }; Querystring: { limit?: string } }>, reply) => {
        if (!found(request, reply)) return reply;
        const count = Math.min(500, Math.max(1, Number(request.query.limit ?? 50) || 50));
        return options.redactValue(options.state.recentRuns(request.params.id, count));
    });
    app.get('/api/instances/:id/logs', async (request: IdRequest, reply) => {
        if (!found(request, reply)) return reply;
        return options.logs.recent(request.params.id);
    });
}

/**
 * The settings part of a JSON body; unknown fields are ignored. `enabled` and `pollingInterval` left out keep
 * `current` (the instance's values on a change; on a create, enabled and the connector's default interval).
 */
function inputFrom(
    body: Partial<InstanceInput> | undefined,
    current: { enabled: boolean; pollingInterval: string }
): Omit<InstanceInput, 'id' | 'connector'> {
    const settings = body?.settings;
    return {
        enabled: typeof body?.enabled === 'boolean' ? body.enabled : current.enabled,
        pollingInterval: typeof body?.pollingInterval === 'string' ? body.pollingInterval : current.pollingInterval,
        settings: settings !== null && typeof settings === 'object' && !Array.isArray(settings) ? settings : {},
        ...(Array.isArray(body?.clearSecrets) ? { clearSecrets: body.clearSecrets.map(String) } : {})
    };
}

/** The error body every refusal has. */
export function errorBody(status: number, message: string): { error: { status: number; message: string } } {
    return { error: { status, message } };
}
