import { formatCount } from '@signal-connectors/connector-sdk';
import type { CatalogEntry } from '../../discovery/catalog.js';
import type { InstanceView } from '../instance-view.js';
import { countOf, formatRunDuration, formatTime, HEALTH_LABELS, relativeTime } from './format.js';
import { html, type SafeHtml } from './html.js';
import { failedStreams, failingReason, groupedFailures, runCountsText, streamTitles, type FailedStream } from './stream-summary.js';

/** The Integrations page: an Add integration button and one tile per instance. */
export function integrationsPage(views: readonly InstanceView[], catalog: readonly CatalogEntry[]): SafeHtml {
    const entries = new Map(catalog.map(entry => [entry.id, entry]));
    return html`<div class="page-head">
  <div><h1>Integrations</h1><p class="lead">Every connector instance this runtime polls, and how its last poll went.</p></div>
  <form method="get" action="/integrations/new"><button type="submit" class="primary">Add integration</button></form>
</div>
<section id="tiles" class="tiles" data-live aria-label="Integrations">
${views.length === 0 ? html`<p class="empty">No integration yet. Choose <strong>Add integration</strong> to connect one.</p>` : ''}
${views.map(view => tile(view, entries.get(view.connector)))}
</section>`;
}

/**
 * One tile: an article named after the instance, with a status element that starts with the health word, what
 * went wrong and what to do (per failed stream), the last finished run with its artifacts per stream, the next run.
 */
export function tile(view: InstanceView, connector: CatalogEntry | undefined): SafeHtml {
    const run = view.lastFinishedRun;
    const headingId = `tile-${view.id}`;
    const titles = streamTitles(connector?.streams);
    const failed = view.problems.length > 0 ? [] : failedStreams(run, titles);
    return html`<article class="tile health-${view.health}" aria-labelledby="${headingId}">
  <header>
    <h2 id="${headingId}"><a href="/integrations/${encodeURIComponent(view.id)}">${view.id}</a></h2>
    <span class="connector">${connector?.displayName ?? view.connector}</span>
  </header>
  <p role="status" class="status status-${view.health}"><span class="dot" aria-hidden="true"></span>${statusText(view, failed)}</p>
  ${view.health === 'healthy' ? '' : errorBox(view, failed)}
  <dl class="facts">
    <div><dt>Enabled</dt><dd>${view.enabled ? 'Yes' : 'No'}</dd></div>
    <div><dt>Managed by</dt><dd>${view.origin === 'file' ? 'config file (read-only)' : 'console'}</dd></div>
    <div><dt>Last run</dt><dd>${run === undefined ? 'never' : html`${moment(run.finishedAt)}${run.finishedAt === undefined ? '' : html`<br><span class="muted">took ${formatRunDuration(run.startedAt, run.finishedAt)}</span>`}`}</dd></div>
    <div><dt>Next run</dt><dd>${view.nextRunAt === undefined ? '—' : moment(view.nextRunAt)}</dd></div>
    ${run === undefined ? '' : html`<div class="whole"><dt>Artifacts of the last run</dt><dd>${runCountsText(run, titles)}</dd></div>`}
  </dl>
</article>`;
}

/** A time as people glance at it (`5m ago`), the exact time on hover and for machines. */
function moment(iso: string | undefined): SafeHtml | string {
    if (iso === undefined) return '—';
    return html`<time datetime="${iso}" title="${formatTime(iso)}">${relativeTime(iso)}</time>`;
}

/** What went wrong, and what to do: per failed stream (streams failing alike named together), or the poll's error. */
function errorBox(view: InstanceView, failed: readonly FailedStream[]): SafeHtml | string {
    const hint = (text: string | undefined) => (text === undefined ? '' : html`<p class="hint">What to do: ${text}</p>`);
    if (failed.length > 0) {
        return html`<div class="error-box">${groupedFailures(failed).map(group => html`<p><strong>${group.titles}</strong>: ${group.error.message}</p>${hint(group.error.hint)}`)}</div>`;
    }
    if (view.lastError === undefined) return '';
    return html`<div class="error-box"><p>${view.lastError.message}</p>${hint(view.lastError.hint)}</div>`;
}

/** The status line: the health word first, then what it means (a failing tile names its failed streams). */
export function statusText(view: InstanceView, failed: readonly FailedStream[] = []): string {
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
            return `${word} — ${failingReason(failed, view.lastError)}`;
        case 'disabled':
            return `${word} — not polled until enabled`;
        case 'pending':
            return `${word} — not polled yet`;
    }
}
