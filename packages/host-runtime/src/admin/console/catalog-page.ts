import { DEFAULT_STREAM_ID } from '@signal-connectors/connector-sdk';
import type { CatalogEntry } from '../../discovery/catalog.js';
import { html, type SafeHtml } from './html.js';

/** The connectors the runtime discovered, from their manifests alone: what each collects, its streams, its docs. */
export function catalogPage(catalog: readonly CatalogEntry[]): SafeHtml {
    return html`<div class="page-head"><div><h1>Catalog</h1><p class="lead">The connectors installed with this runtime, read from their manifests.</p></div></div>
<div class="tiles catalog">${catalog.map(entry => html`<article class="tile" aria-labelledby="c-${entry.id}">
  <header><h2 id="c-${entry.id}">${entry.displayName}</h2><span class="connector">${entry.vendor} · ${entry.category}</span></header>
  <p>${entry.description}</p>
  <dl class="facts">
    ${declared(entry).length === 0 ? html`<div class="whole"><dt>Collects</dt><dd>${entry.capabilities.join(', ')}</dd></div>` : html`<div class="whole"><dt>Streams</dt><dd><ul class="plain">${declared(entry).map(stream => html`<li><strong>${stream.title}</strong><br><span class="muted small">${stream.description}</span></li>`)}</ul></dd></div>`}
    <div><dt>Polling</dt><dd>every ${entry.defaultPollingInterval} by default</dd></div>
    <div><dt>Id</dt><dd><code class="nowrap">${entry.id}</code></dd></div>
    <div class="whole"><dt>Package</dt><dd>${entry.packageName ?? '—'} ${entry.packageVersion ?? ''}</dd></div>
  </dl>
  <p class="button-row"><a class="button" href="${entry.docsUrl}" rel="noreferrer">Documentation</a>
  <a class="button primary" href="/integrations/new?connector=${encodeURIComponent(entry.id)}">Add ${entry.displayName}</a></p>
</article>`)}</div>`;
}

/** The streams a manifest declares (none for a connector with only the default stream). */
function declared(entry: CatalogEntry): CatalogEntry['streams'] {
    return entry.streams.filter(stream => stream.id !== DEFAULT_STREAM_ID);
}
