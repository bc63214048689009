import type { CatalogEntry } from '../../discovery/catalog.js';
import { html, type SafeHtml } from './html.js';

/** The connectors the runtime discovered, from their manifests alone. */
export function catalogPage(catalog: readonly CatalogEntry[]): SafeHtml {
    return html`<div class="page-head"><div><h1>Catalog</h1><p class="lead">The connectors installed with this runtime, read from their manifests.</p></div></div>
<div class="tiles">${catalog.map(entry => html`<article class="tile" aria-labelledby="c-${entry.id}">
  <header><h2 id="c-${entry.id}">${entry.displayName}</h2><span class="connector">${entry.vendor} · ${entry.category}</span></header>
  <p>${entry.description}</p>
  <dl class="facts">
    <div><dt>Id</dt><dd><code>${entry.id}</code></dd></div>
    <div><dt>Collects</dt><dd>${entry.capabilities.join(', ')}</dd></div>
    <div><dt>Polling</dt><dd>every ${entry.defaultPollingInterval} by default</dd></div>
    <div><dt>Package</dt><dd>${entry.packageName ?? '—'} ${entry.packageVersion ?? ''}</dd></div>
  </dl>
  <p class="button-row"><a class="button" href="${entry.docsUrl}" rel="noreferrer">Documentation</a>
  <a class="button primary" href="/integrations/new?connector=${encodeURIComponent(entry.id)}">Add ${entry.displayName}</a></p>
</article>`)}</div>`;
}
