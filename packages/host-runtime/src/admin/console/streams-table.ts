import { DEFAULT_STREAM_ID, formatCount, type StreamDeclaration } from '@signal-connectors/connector-sdk';
import type { StreamState } from '../../state/state-store.js';
import type { InstanceView } from '../instance-view.js';
import { describeKind, formatTime, relativeTime } from './format.js';
import { html, type SafeHtml } from './html.js';
import { streamTitles, titleOf } from './stream-summary.js';

/**
 * Each stream of an instance: how it last ended (and since when), what its last run and all runs delivered, how
 * old its checkpoint is, and for a failed stream the error and what to do. Streams the manifest declares come
 * first, in its order, even before they ran; nothing is shown for a connector with the single default stream.
 */
export function streamsTable(view: InstanceView, declared: readonly StreamDeclaration[] | undefined): SafeHtml | undefined {
    const recorded = 'streams' in view.status ? view.status.streams : [];
    const titles = streamTitles(declared);
    const ids = [...(declared ?? []).map(stream => stream.id), ...recorded.map(state => state.stream)];
    const shown = [...new Set(ids)].filter(id => id !== DEFAULT_STREAM_ID && !id.startsWith('_'));
    if (shown.length === 0) return undefined;
    const states = new Map(recorded.map(state => [state.stream, state]));
    const descriptions = new Map((declared ?? []).map(stream => [stream.id, stream.description]));
    return html`<div class="table-wrap"><table class="streams">
  <thead><tr><th scope="col">Stream</th><th scope="col">Last ended</th><th scope="col">Last run</th><th scope="col">In all</th><th scope="col">Checkpoint</th></tr></thead>
  <tbody>${shown.map(id => row(titleOf(titles, id), descriptions.get(id), states.get(id)))}</tbody></table></div>`;
}

function row(title: string, description: string | undefined, state: StreamState | undefined): SafeHtml {
    const status = state?.status;
    const since = state?.statusAt === undefined ? '' : html` <span class="muted" title="${formatTime(state.statusAt)}">${relativeTime(state.statusAt)}</span>`;
    const failure =
        state?.status === 'failed' && state.error !== undefined
            ? html`<div class="stream-error"><strong>${describeKind(state.error.kind)}</strong>: ${state.error.message}${state.error.hint === undefined ? '' : html`<br><span class="hint">What to do: ${state.error.hint}</span>`}</div>`
            : '';
    return html`<tr class="stream-${status ?? 'none'}">
    <th scope="row">${title}${description === undefined ? '' : html`<br><span class="muted small">${description}</span>`}</th>
    <td>${status === undefined ? html`<span class="muted">not run yet</span>` : html`<span class="pill result-${status === 'complete' ? 'success' : 'failed'}">${status}</span>${since}`}${failure}</td>
    <td>${state === undefined ? '—' : formatCount(state.runArtifacts)}</td>
    <td>${state === undefined ? '—' : formatCount(state.totalArtifacts)}</td>
    <td>${state?.checkpointAt === undefined ? html`<span class="muted">none yet</span>` : html`<span title="${formatTime(state.checkpointAt)}">${relativeTime(state.checkpointAt)}</span>`}</td>
  </tr>`;
}
