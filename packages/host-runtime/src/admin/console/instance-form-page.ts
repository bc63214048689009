import type { ConfigProblem } from '@signal-connectors/connector-sdk';
import type { CatalogEntry } from '../../discovery/catalog.js';
import { getPath } from '../../service/settings-paths.js';
import type { FormField } from './config-form.js';
import { html, type SafeHtml } from './html.js';

/** What the add/edit form shows. */
export interface InstanceFormModel {
    mode: 'create' | 'edit';
    connector: CatalogEntry;
    fields: FormField[];
    csrf: string;
    values: {
        id: string;
        pollingInterval: string;
        enabled: boolean;
        settings: Record<string, unknown>;
        /** Secret fields that hold a stored value. */
        configuredSecrets: string[];
    };
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
    const at = (path: string) => model.problems.filter(problem => problem.path === path);
    const fieldPaths = new Set(['id', 'pollingInterval', ...model.fields.map(f => `settings.${f.path}`)]);
    const general = model.problems.filter(problem => !fieldPaths.has(problem.path));
    const action = mode === 'create' ? '/integrations' : `/integrations/${encodeURIComponent(values.id)}/edit`;
    return html`<div class="page-head"><div>
  <h1>${mode === 'create' ? `Add ${connector.displayName} integration` : `Edit ${values.id}`}</h1>
  <p class="lead">${connector.description} <a href="${connector.docsUrl}" rel="noreferrer">Documentation</a></p>
</div></div>
${model.problems.length === 0 ? '' : html`<div class="notice notice-error" role="alert"><p>${model.problems.length === 1 ? 'One setting needs' : `${model.problems.length} settings need`} attention before this can be saved.</p>${general.length === 0 ? '' : html`<ul>${general.map(p => html`<li>${p.path === '' ? '' : html`<code>${p.path}</code>: `}${p.message}${p.hint === undefined ? '' : html` — ${p.hint}`}</li>`)}</ul>`}</div>`}
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
    ${model.fields.map(field => settingField(field, values, at(`settings.${field.path}`)))}
  </fieldset>
  <div class="actions"><button type="submit" class="primary">Save</button> <a class="button" href="${mode === 'create' ? '/integrations' : `/integrations/${encodeURIComponent(values.id)}`}">Cancel</a></div>
</form>`;
}

interface TextFieldOptions {
    id: string;
    name: string;
    label: string;
    value: string;
    problems: ConfigProblem[];
    help?: string;
    readonly?: boolean;
    required?: boolean;
}

function textField(o: TextFieldOptions): SafeHtml {
    return html`<div class="field${o.problems.length > 0 ? ' invalid' : ''}">
  <label for="${o.id}">${o.label}</label>
  <input type="text" id="${o.id}" name="${o.name}" value="${o.value}"${o.readonly ? html` readonly` : ''}${o.required ? html` required` : ''}${describedBy(o.id, o.problems, o.help)}${o.problems.length > 0 ? html` aria-invalid="true"` : ''}>
  ${problemList(o.id, o.problems)}
  ${o.help === undefined ? '' : html`<p class="help" id="${o.id}-help">${o.help}</p>`}
</div>`;
}

function settingField(field: FormField, values: InstanceFormModel['values'], problems: ConfigProblem[]): SafeHtml {
    const id = `f-settings-${field.path.replace(/\./g, '-')}`;
    const name = `settings.${field.path}`;
    const current = getPath(values.settings, field.path);
    const value = current ?? field.default;
    const invalid = problems.length > 0 ? html` aria-invalid="true"` : '';
    const help = [field.description, field.examples.length > 0 && field.kind === 'text' && field.options.length === 0 ? `e.g. ${field.examples.join(', ')}` : undefined]
        .filter(Boolean)
        .join(' ');
    const label = html`<label for="${id}">${field.title}</label>`;
    const extras = html`${problemList(id, problems)}${help === '' ? '' : html`<p class="help" id="${id}-help">${help}</p>`}`;
    const aria = describedBy(id, problems, help === '' ? undefined : help);
    switch (field.kind) {
        case 'checkbox':
            return html`<div class="field check"><input type="checkbox" id="${id}" name="${name}" value="on"${value === true ? html` checked` : ''}${aria}>${label}${extras}</div>`;
        case 'password': {
            const configured = values.configuredSecrets.includes(field.path);
            return html`<div class="field${problems.length > 0 ? ' invalid' : ''}">${label}
  <input type="password" id="${id}" name="${name}" autocomplete="new-password" placeholder="${configured ? 'configured — leave empty to keep it' : ''}"${field.required && !configured ? html` required` : ''}${aria}${invalid}>
  ${configured ? html`<div class="check small"><input type="checkbox" id="${id}-clear" name="clear.${field.path}" value="on"><label for="${id}-clear">Clear the stored ${field.title.toLowerCase()}</label></div>` : ''}
  ${extras}</div>`;
        }
        case 'number':
            return html`<div class="field${problems.length > 0 ? ' invalid' : ''}">${label}<input type="number" id="${id}" name="${name}" value="${current === undefined ? '' : String(current)}" placeholder="${field.default === undefined ? '' : String(field.default)}"${field.integer ? html` step="1"` : ''}${aria}${invalid}>${extras}</div>`;
        case 'select':
            return html`<div class="field${problems.length > 0 ? ' invalid' : ''}">${label}<select id="${id}" name="${name}"${aria}${invalid}>
    ${field.required ? '' : html`<option value="">(default${field.default === undefined ? '' : `: ${String(field.default)}`})</option>`}
    ${field.options.map(option => html`<option value="${option.value}"${String(current ?? '') === option.value ? html` selected` : ''}>${option.label}</option>`)}
  </select>${extras}</div>`;
        case 'choices': {
            const chosen = Array.isArray(value) ? value.map(String) : [];
            return html`<fieldset class="field choices${problems.length > 0 ? ' invalid' : ''}"><legend>${field.title}</legend>
    ${field.options.map((option, i) => html`<span class="check"><input type="checkbox" id="${id}-${i}" name="${name}" value="${option.value}"${chosen.includes(option.value) ? html` checked` : ''}><label for="${id}-${i}">${option.label}</label></span>`)}
    ${extras}</fieldset>`;
        }
        default: {
            const list = field.options.length === 0 ? undefined : `${id}-list`;
            return html`<div class="field${problems.length > 0 ? ' invalid' : ''}">${label}
  <input type="text" id="${id}" name="${name}" value="${current === undefined ? '' : String(current)}" placeholder="${field.examples[0] ?? (field.default === undefined ? '' : String(field.default))}"${list === undefined ? '' : html` list="${list}"`}${field.required ? html` required` : ''}${aria}${invalid}>
  ${list === undefined ? '' : html`<datalist id="${list}">${field.options.map(option => html`<option value="${option.value}" label="${option.label}"></option>`)}</datalist>`}
  ${extras}</div>`;
        }
    }
}

function describedBy(id: string, problems: ConfigProblem[], help: string | undefined): SafeHtml {
    const ids = [...(problems.length > 0 ? [`${id}-error`] : []), ...(help === undefined ? [] : [`${id}-help`])];
    return ids.length === 0 ? html`` : html` aria-describedby="${ids.join(' ')}"`;
}

function problemList(id: string, problems: ConfigProblem[]): SafeHtml | string {
    if (problems.length === 0) return '';
    return html`<div class="field-error" id="${id}-error">${problems.map(p => html`<p>${p.message}${p.hint === undefined ? '' : html`<span class="hint"> ${p.hint}</span>`}</p>`)}</div>`;
}
