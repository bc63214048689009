import { formatCount } from '@signal-connectors/connector-sdk';
import type { CatalogEntry } from '../../discovery/catalog.js';
import type { InstanceLogLine } from '../../service/instance-log-book.js';
import type { TestRecord } from '../../service/instance-admin.js';
import type { RunRecord } from '../../state/state-store.js';
import type { InstanceView } from '../instance-view.js';
import type { FormField } from './config-form.js';
import { describeKind, describeValue, formatRunDuration, formatTime, humanizeKey, relativeTime } from './format.js';
import { html, type SafeHtml } from './html.js';
import { tile } from './integrations-page.js';
import { settingRows } from './settings-summary.js';
import { failedStreams, groupedFailures, runCountsText, streamTitles, type StreamTitles } from './stream-summary.js';
import { streamsTable } from './streams-table.js';

/** What the detail page shows. */
export interface DetailModel {
    view: InstanceView;
    connector?: CatalogEntry;
    runs: RunRecord[];
    logs: InstanceLogLine[];
    lastTest?: TestRecord;
    /** The connector's settings, from its manifest: titles and choices for the settings list. */
    fields: FormField[];
    csrf: string;
}

/** An instance: its tile, actions, last connection test, streams, settings, run history and recent log lines. */
export function instanceDetailPage(model: DetailModel): SafeHtml {
    const { view } = model;
    const base = `/integrations/${encodeURIComponent(view.id)}`;
    const post = (action: string, label: string, kind = '') =>
        html`<form method="post" action="${base}/${action}"><input type="hidden" name="_csrf" value="${model.csrf}"><button type="submit"${kind === '' ? '' : html` class="${kind}"`}>${label}</button></form>`;
    const editable = view.origin === 'console';
    const streams = streamsTable(view, model.connector?.streams);
    return html`<div class="page-head"><div><p class="crumbs"><a href="/integrations">Integrations</a> ›</p><h1>${view.id}</h1>
  <p class="lead">${model.connector?.displayName ?? view.connector}${view.origin === 'file' ? ' · managed by the config file: change it there and restart' : ''}</p></div></div>
<div class="detail-grid">
  <div id="summary" data-live>${tile(view, model.connector)}</div>
  <section class="card actions-card" aria-label="Actions">
    <h2>Actions</h2>
    <div class="button-row">
      ${post('test', 'Test connection')}
      ${post('poll', 'Poll now')}
      ${editable ? html`<a class="button" href="${base}/edit">Edit</a>` : ''}
      ${editable ? post(view.enabled ? 'disable' : 'enable', view.enabled ? 'Disable' : 'Enable') : ''}
      ${editable ? html`<a class="button danger" href="${base}/delete">Delete</a>` : ''}
    </div>
    ${model.lastTest === undefined ? html`<p class="muted">No connection test yet.</p>` : testReport(model.lastTest)}
  </section>
</div>
${streams === undefined ? '' : html`<section class="card" id="streams" data-live aria-labelledby="streams-h"><h2 id="streams-h">Streams</h2>${streams}</section>`}
<section class="card" aria-labelledby="settings-h"><h2 id="settings-h">Settings</h2>${settingsList(view, model.fields)}</section>
<section class="card" id="history" data-live aria-labelledby="history-h"><h2 id="history-h">Run history</h2>${runTable(model.runs, streamTitles(model.connector?.streams))}</section>
<section class="card" id="logs" data-live aria-labelledby="logs-h"><h2 id="logs-h">Recent log lines</h2>${logList(model.logs)}</section>`;
}

function testReport(record: TestRecord): SafeHtml {
    const { report } = record;
    return html`<div class="test-report ${report.ok ? 'ok' : 'failed'}" id="test-report" aria-label="Connection test result">
  <h3>Connection test: ${report.ok ? 'OK' : 'failed'}</h3>
  <p class="muted">${formatTime(record.at)}${report.latencyMs === undefined ? '' : ` · latency ${report.latencyMs} ms`}${report.errorKind === undefined ? '' : ` · ${describeKind(report.errorKind)}`}</p>
  <p>${report.message}</p>
  ${report.hint === undefined ? '' : html`<p class="hint">What to do: ${report.hint}</p>`}
  ${report.details === undefined ? '' : html`<dl class="facts">${Object.entries(report.details).map(([name, value]) => html`<div><dt>${humanizeKey(name)}</dt><dd>${describeValue(value)}</dd></div>`)}</dl>`}
</div>`;
}

function settingsList(view: InstanceView, fields: readonly FormField[]): SafeHtml {
    const configured = view.writeOnly.map(entry => entry.field);
    const rows = [
        { label: 'Enabled', value: view.enabled ? 'Yes' : 'No' },
        { label: 'Polling interval', value: view.pollingInterval },
        ...settingRows(view.settings, configured, fields)
    ];
    return html`<dl class="facts wide">${rows.map(row => html`<div><dt>${row.label}</dt><dd>${row.value}</dd></div>`)}</dl>`;
}

function runTable(runs: RunRecord[], titles: StreamTitles): SafeHtml {
    if (runs.length === 0) return html`<p class="muted">No poll yet.</p>`;
    return html`<div class="table-wrap"><table>
  <thead><tr><th scope="col">Started</th><th scope="col">Result</th><th scope="col">Artifacts</th><th scope="col">Duration</th><th scope="col">Error</th></tr></thead>
  <tbody>${runs.map(run => html`<tr>
    <td>${formatTime(run.startedAt)} <span class="muted">${relativeTime(run.startedAt)}</span></td>
    <td><span class="pill result-${run.result ?? 'running'}">${run.result ?? 'running'}</span></td>
    <td>${run.finishedAt === undefined ? formatCount(run.artifacts) : runCountsText(run, titles)}</td>
    <td>${formatRunDuration(run.startedAt, run.finishedAt)}</td>
    <td>${runError(run, titles)}</td>
  </tr>`)}</tbody></table></div>`;
}

/** Why a run failed: per failed stream (streams failing alike together), or the poll's own error. */
function runError(run: RunRecord, titles: StreamTitles): SafeHtml | string {
    const hint = (text: string | undefined) => (text === undefined ? '' : html`<br><span class="hint">${text}</span>`);
    const failed = groupedFailures(failedStreams(run, titles));
    if (failed.length > 0) {
        return html`${failed.map(group => html`<div><strong>${group.titles}</strong> — ${describeKind(group.error.kind)}: ${group.error.message}${hint(group.error.hint)}</div>`)}`;
    }
    if (run.error === undefined) return '';
    return html`<strong>${describeKind(run.error.kind)}</strong>: ${run.error.message}${hint(run.error.hint)}`;
}

function logList(lines: InstanceLogLine[]): SafeHtml {
    if (lines.length === 0) return html`<p class="muted">No log lines since the service started.</p>`;
    return html`<ol class="log">${[...lines].reverse().map(line => html`<li class="log-${line.level}"><time>${formatTime(line.at)}</time> <span class="level">${line.level}</span> ${line.message}</li>`)}</ol>`;
}

/** Asks before deleting. */
export function confirmDeletePage(id: string, csrf: string): SafeHtml {
    const base = `/integrations/${encodeURIComponent(id)}`;
    return html`<div class="card narrow"><h1>Delete ${id}?</h1>
<p>The integration stops, and its checkpoint and run history are deleted. Artifacts already delivered stay where they are.</p>
<form method="post" action="${base}/delete" class="actions"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="danger">Delete ${id}</button> <a class="button" href="${base}">Cancel</a></form></div>`;
}
