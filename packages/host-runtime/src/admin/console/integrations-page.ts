import { DEFAULT_STREAM_ID } from '@signal-connectors/connector-sdk';
import type { CatalogEntry } from '../../discovery/catalog.js';
import type { InstanceView } from '../instance-view.js';
import { countOf, describeKind, formatCount, formatRunDuration, formatTime, HEALTH_LABELS, relativeTime } from './format.js';
import { html, type SafeHtml } from './html.js';

/** The Integrations page: an Add integration button and one tile per instance. */
export function integrationsPage(views: readonly InstanceView[], catalog: readonly CatalogEntry[]): SafeHtml {
    const names = new Map(catalog.map(entry => [entry.id, entry.displayName]));
    return html`<div class="page-head">
  <div><h1>Integrations</h1><p class="lead">Every connector instance this runtime polls, and how its last poll went.</p></div>
  <form method="get" action="/integrations/new"><button type="submit" class="primary">Add integration</button></form>
</div>
<section id="tiles" class="tiles" data-live aria-label="Integrations">
${views.length === 0 ? html`<p class="empty">No integration yet. Choose <strong>Add integration</strong> to connect one.</p>` : ''}
${views.map(view => tile(view, names.get(view.connector) ?? view.connector))}
</section>`;
}

/** One tile: an article named after the instance, with a status element that starts with the health word. */
export function tile(view: InstanceView, connectorName: string): SafeHtml {
    const run = view.lastFinishedRun;
    const headingId = `tile-${view.id}`;
    return html`<article class="tile health-${view.health}" aria-labelledby="${headingId}">
  <header>
    <h2 id="${headingId}"><a href="/integrations/${encodeURIComponent(view.id)}">${view.id}</a></h2>
    <span class="connector">${connectorName}</span>
  </header>
  <p role="status" class="status status-${view.health}"><span class="dot" aria-hidden="true"></span>${statusText(view)}</p>
  ${view.lastError !== undefined && view.health !== 'healthy' ? html`<div class="error-box"><p>${view.lastError.message}</p>${view.lastError.hint === undefined ? '' : html`<p class="hint">What to do: ${view.lastError.hint}</p>`}</div>` : ''}
  <dl class="facts">
    <div><dt>Enabled</dt><dd>${view.enabled ? 'Yes' : 'No'}</dd></div>
    <div><dt>Managed by</dt><dd>${view.origin === 'file' ? 'config file (read-only)' : 'console'}</dd></div>
    <div><dt>Last run</dt><dd>${run === undefined ? 'never' : html`${moment(run.finishedAt)}${run.finishedAt === undefined ? '' : html`<span class="muted"> · took ${formatRunDuration(run.startedAt, run.finishedAt)}</span>`}`}</dd></div>
    <div><dt>Next run</dt><dd>${view.nextRunAt === undefined ? '—' : moment(view.nextRunAt)}</dd></div>
    ${run === undefined ? '' : html`<div class="whole"><dt>Artifacts of the last run</dt><dd>${runCounts(run)}</dd></div>`}
  </dl>
</article>`;
}

/** A time as people glance at it (`5m ago`), the exact time on hover and for machines. */
function moment(iso: string | undefined): SafeHtml | string {
    if (iso === undefined) return '—';
    return html`<time datetime="${iso}" title="${formatTime(iso)}">${relativeTime(iso)}</time>`;
}

/** The status line: the health word first, then what it means. */
export function statusText(view: InstanceView): string {
    const word = HEALTH_LABELS[view.health];
    switch (view.health) {
        case 'running': {
            const progress = view.progress;
            if (view.queued && !view.running) return `${word} — waiting for a free poll slot`;
            const counters = Object.entries(progress?.counters ?? {})
                .map(([name, value]) => `${formatCount(value)} ${name}`)
                .join(', ');
            const done = `${countOf(progress?.artifacts ?? 0, 'artifact')} in ${countOf(progress?.batches ?? 0, 'batch', 'batches')}`;
            const last = view.lastFinishedRun === undefined ? '' : `; last finished poll ${view.lastFinishedRun.result === 'success' ? 'succeeded' : 'failed'}`;
            return `${word} — ${done}${counters === '' ? '' : ` (${counters})`}${last}`;
        }
        case 'healthy':
            return `${word} — the last poll succeeded`;
        case 'failing':
            return `${word} — ${view.lastError === undefined ? 'the last poll failed' : describeKind(view.lastError.kind)}`;
        case 'disabled':
            return `${word} — not polled until enabled`;
        case 'pending':
            return `${word} — not polled yet`;
    }
}

/**
 * The artifact counts of a run: per stream once the run records carry them, except for a connector with the single
 * default stream, whose run is counted as a whole (total and batches).
 */
export function runCounts(run: { artifacts: number; batches: number; streams?: Record<string, { artifacts: number }> }): string {
    const streams = Object.entries(run.streams ?? {}).filter(([name]) => name !== DEFAULT_STREAM_ID);
    if (streams.length > 0) return streams.map(([name, counts]) => `${name}: ${formatCount(counts.artifacts)}`).join(', ');
    return `${countOf(run.artifacts, 'artifact')} in ${countOf(run.batches, 'batch', 'batches')}`;
}
