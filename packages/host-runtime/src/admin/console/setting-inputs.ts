import type { ConfigProblem } from '@signal-connectors/connector-sdk';
import { getPath } from '../../service/settings-paths.js';
import { CUSTOM_CHOICE, type FormField } from './config-form.js';
import { html, type SafeHtml } from './html.js';

/** The values an add/edit form shows. */
export interface FormValues {
    id: string;
    pollingInterval: string;
    enabled: boolean;
    /** Settings without secrets. */
    settings: Record<string, unknown>;
    /** Secret fields that hold a stored value. */
    configuredSecrets: string[];
    /** Secret fields that were typed into a form that is shown again (their value is never echoed back). */
    enteredSecrets?: string[];
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

/** A labelled text input with its problems and help. */
export function textField(o: TextFieldOptions): SafeHtml {
    return html`<div class="field${o.problems.length > 0 ? ' invalid' : ''}">
  <label for="${o.id}">${o.label}</label>
  <input type="text" id="${o.id}" name="${o.name}" value="${o.value}"${o.readonly ? html` readonly` : ''}${o.required ? html` required` : ''}${describedBy(o.id, o.problems, o.help)}${o.problems.length > 0 ? html` aria-invalid="true"` : ''}>
  ${problemList(o.id, o.problems)}
  ${o.help === undefined ? '' : html`<p class="help" id="${o.id}-help">${o.help}</p>`}
</div>`;
}

/**
 * The input of one setting, labelled with the manifest's title: a checkbox, a password input for a `writeOnly`
 * field (never filled; "configured" when a value is stored), a number, a dropdown (with a typed-value choice when
 * the schema allows one), checkboxes for a list of choices, or a text input. Problems are shown beside it.
 */
export function settingField(field: FormField, values: FormValues, problems: ConfigProblem[]): SafeHtml {
    const id = `f-settings-${field.path.replace(/\./g, '-')}`;
    const name = `settings.${field.path}`;
    const current = getPath(values.settings, field.path);
    const value = current ?? field.default;
    const invalid = problems.length > 0 ? html` aria-invalid="true"` : '';
    const fieldClass = `field${problems.length > 0 ? ' invalid' : ''}`;
    const examples = field.examples.length > 0 && field.kind === 'text' ? `e.g. ${field.examples.join(', ')}` : undefined;
    const help = [field.description, examples].filter(Boolean).join(' ');
    const label = html`<label for="${id}">${field.title}</label>`;
    const extras = html`${problemList(id, problems)}${help === '' ? '' : html`<p class="help" id="${id}-help">${help}</p>`}`;
    const aria = describedBy(id, problems, help === '' ? undefined : help);
    switch (field.kind) {
        case 'checkbox':
            return html`<div class="field check"><input type="checkbox" id="${id}" name="${name}" value="on"${value === true ? html` checked` : ''}${aria}>${label}${extras}</div>`;
        case 'password': {
            const configured = values.configuredSecrets.includes(field.path);
            const retype = values.enteredSecrets?.includes(field.path) === true;
            const placeholder = configured ? 'configured — leave empty to keep it' : retype ? 'not kept after an error: enter it again' : '';
            return html`<div class="${fieldClass}">${label}
  <input type="password" id="${id}" name="${name}" autocomplete="new-password" placeholder="${placeholder}"${field.required && !configured ? html` required` : ''}${aria}${invalid}>
  ${configured ? html`<div class="check small"><input type="checkbox" id="${id}-clear" name="clear.${field.path}" value="on"><label for="${id}-clear">Clear the stored ${field.title.toLowerCase()}</label></div>` : ''}
  ${extras}</div>`;
        }
        case 'number':
            return html`<div class="${fieldClass}">${label}<input type="number" id="${id}" name="${name}" value="${current === undefined ? '' : String(current)}" placeholder="${field.default === undefined ? '' : String(field.default)}"${field.integer ? html` step="1"` : ''}${aria}${invalid}>${extras}</div>`;
        case 'select':
            return selectField(field, { id, name, current, label, extras, aria, invalid, fieldClass });
        case 'choices': {
            const chosen = Array.isArray(value) ? value.map(String) : [];
            return html`<fieldset class="${fieldClass} choices"><legend>${field.title}</legend>
    ${field.options.map((option, i) => html`<span class="check"><input type="checkbox" id="${id}-${i}" name="${name}" value="${option.value}"${chosen.includes(option.value) ? html` checked` : ''}><label for="${id}-${i}">${option.label}</label></span>`)}
    ${extras}</fieldset>`;
        }
        default:
            return html`<div class="${fieldClass}">${label}
  <input type="text" id="${id}" name="${name}" value="${current === undefined ? '' : String(current)}" placeholder="${field.examples[0] ?? (field.default === undefined ? '' : String(field.default))}"${field.required ? html` required` : ''}${aria}${invalid}>
  ${extras}</div>`;
    }
}

interface SelectParts {
    id: string;
    name: string;
    current: unknown;
    label: SafeHtml;
    extras: SafeHtml;
    aria: SafeHtml;
    invalid: SafeHtml | string;
    fieldClass: string;
}

/**
 * A dropdown of the schema's values. An optional one starts with "(default: …)"; a required one without a value
 * asks to choose. With `custom`, a last choice reveals a text input for a value not in the list (the script hides
 * that input while another choice is selected; without the script it simply stays visible).
 */
function selectField(field: FormField, p: SelectParts): SafeHtml {
    const current = p.current === undefined ? '' : String(p.current);
    const known = field.options.some(option => option.value === current);
    const typed = field.custom !== undefined && current !== '' && !known;
    const first = field.required
        ? html`<option value=""${current === '' ? html` selected` : ''}>Choose…</option>`
        : html`<option value="">(default${field.default === undefined ? '' : `: ${String(field.default)}`})</option>`;
    const options = field.options.map(
        option => html`<option value="${option.value}"${current === option.value ? html` selected` : ''}>${option.label}</option>`
    );
    const custom = field.custom;
    return html`<div class="${p.fieldClass}">${p.label}<select id="${p.id}" name="${p.name}"${custom === undefined ? '' : html` data-custom="${p.id}-custom-field"`}${p.aria}${p.invalid}>
    ${first}${options}${custom === undefined ? '' : html`<option value="${CUSTOM_CHOICE}"${typed ? html` selected` : ''}>${custom.choice}</option>`}
  </select>
  ${custom === undefined ? '' : html`<div class="custom-value" id="${p.id}-custom-field"><label for="${p.id}-custom">${custom.label}</label><input type="text" id="${p.id}-custom" name="custom.${field.path}" value="${typed ? current : ''}" placeholder="${custom.examples[0] ?? ''}"${p.invalid}></div>`}
  ${p.extras}</div>`;
}

function describedBy(id: string, problems: ConfigProblem[], help: string | undefined): SafeHtml {
    const ids = [...(problems.length > 0 ? [`${id}-error`] : []), ...(help === undefined ? [] : [`${id}-help`])];
    return ids.length === 0 ? html`` : html` aria-describedby="${ids.join(' ')}"`;
}

function problemList(id: string, problems: ConfigProblem[]): SafeHtml | string {
    if (problems.length === 0) return '';
    return html`<div class="field-error" id="${id}-error">${problems.map(p => html`<p>${p.message}</p>${p.hint === undefined ? '' : html`<p class="hint">${p.hint}</p>`}`)}</div>`;
}
