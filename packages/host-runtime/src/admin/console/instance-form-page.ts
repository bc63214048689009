import type { ConfigProblem } from '@signal-connectors/connector-sdk';
import type { CatalogEntry } from '../../discovery/catalog.js';
import type { FormField } from './config-form.js';
import { html, type SafeHtml } from './html.js';
import { settingField, textField, type FormValues } from './setting-inputs.js';

/** What the add/edit form shows. */
export interface InstanceFormModel {
    mode: 'create' | 'edit';
    connector: CatalogEntry;
    fields: FormField[];
    csrf: string;
    values: FormValues;
    problems: ConfigProblem[];
}

/** Step 1 of Add integration: pick a connector from the catalog. */
export function chooseConnectorPage(catalog: readonly CatalogEntry[]): SafeHtml {
    return html`<div class="page-head"><div><h1>Add integration</h1><p class="lead">Choose the connector, then fill in its settings.</p></div></div>
<form method="get" action="/integrations/new" class="card narrow">
  <div class="field">
    <label for="connector">Connector</label>
    <select id="connector" name="connector" data-autosubmit required>
      <option value="">Choose a connector…</option>
      ${catalog.map(entry => html`<option value="${entry.id}">${entry.displayName} (${entry.vendor} · ${entry.category})</option>`)}
    </select>
  </div>
  <div class="actions"><button type="submit" class="primary">Continue</button> <a href="/integrations" class="button">Cancel</a></div>
</form>`;
}

/** Step 2: the form drawn from the connector's config schema, with every problem beside its field. */
export function instanceFormPage(model: InstanceFormModel): SafeHtml {
    const { connector, values, mode } = model;
    // A problem belongs to the field whose path it is or lies under (`settings.statuses[1]` to Detection statuses).
    const inputs = [
        { path: 'id', id: 'f-id', title: 'Name' },
        { path: 'pollingInterval', id: 'f-pollingInterval', title: 'Polling interval' },
        ...model.fields.map(f => ({ path: `settings.${f.path}`, id: `f-settings-${f.path.replace(/\./g, '-')}`, title: f.title }))
    ];
    const owner = (problem: ConfigProblem) =>
        inputs.find(input => problem.path === input.path || problem.path.startsWith(`${input.path}.`) || problem.path.startsWith(`${input.path}[`));
    const at = (path: string) => model.problems.filter(problem => owner(problem)?.path === path);
    // The settings a connector needs come first; the optional ones stay folded unless one of them has a problem.
    const required = model.fields.filter(field => field.required);
    const optional = model.fields.filter(field => !field.required);
    const optionalOpen = optional.some(field => at(`settings.${field.path}`).length > 0);
    const action = mode === 'create' ? '/integrations' : `/integrations/${encodeURIComponent(values.id)}/edit`;
    const count = model.problems.length;
    return html`<div class="page-head"><div>
  <h1>${mode === 'create' ? `Add ${connector.displayName} integration` : `Edit ${values.id}`}</h1>
  <p class="lead">${connector.description} <a href="${connector.docsUrl}" rel="noreferrer">Documentation</a></p>
</div></div>
${count === 0 ? '' : html`<div class="notice notice-error" role="alert"><p>${count === 1 ? 'One setting needs' : `${count} settings need`} attention before this can be saved:</p>
  <ul>${model.problems.map(p => {
      const input = owner(p);
      const where = input === undefined ? (p.path === '' ? '' : html`<code>${p.path}</code>: `) : html`<a href="#${input.id}">${input.title}</a>: `;
      return html`<li>${where}${p.message}${p.hint === undefined ? '' : html` — ${p.hint}`}</li>`;
  })}</ul></div>`}
<form method="post" action="${action}" class="card form" novalidate>
  <input type="hidden" name="_csrf" value="${model.csrf}">
  <input type="hidden" name="connector" value="${connector.id}">
  <fieldset>
    <legend>Integration</legend>
    ${textField({ id: 'f-id', name: 'id', label: 'Name', value: values.id, problems: at('id'), readonly: mode === 'edit', help: 'The instance id: lower-case letters, digits, - and _, e.g. qualys-prod.', required: true })}
    ${textField({ id: 'f-pollingInterval', name: 'pollingInterval', label: 'Polling interval', value: values.pollingInterval, problems: at('pollingInterval'), help: `How often to poll, e.g. 30m or 4h (${connector.defaultPollingInterval} recommended).`, required: true })}
    <div class="field check"><input type="checkbox" id="f-enabled" name="enabled" value="on"${values.enabled ? html` checked` : ''}><label for="f-enabled">Enabled</label><p class="help">A disabled integration is kept but not polled.</p></div>
  </fieldset>
  <fieldset>
    <legend>${connector.displayName} settings</legend>
    ${required.map(field => settingField(field, values, at(`settings.${field.path}`)))}
    ${optional.length === 0 ? '' : html`<details class="optional"${optionalOpen ? html` open` : ''}>
      <summary>Optional settings <span class="muted">(${optional.length}; the defaults suit most setups)</span></summary>
      ${optional.map(field => settingField(field, values, at(`settings.${field.path}`)))}
    </details>`}
  </fieldset>
  <div class="actions"><button type="submit" class="primary">Save</button> <a class="button" href="${mode === 'create' ? '/integrations' : `/integrations/${encodeURIComponent(values.id)}`}">Cancel</a></div>
</form>`;
}
