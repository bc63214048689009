/** The names a scaffolded plugin is made of, derived from its connector id unless given. */
export interface PluginNames {
    /** The manifest id, `<vendor>.<product>`: `acme.widgets`. */
    id: string;
    /** The npm package name: `signal-connector-acme-widgets`. */
    packageName: string;
    /** For the catalog: `Acme Widgets`. */
    displayName: string;
    /** For the catalog: `Acme`. */
    vendorName: string;
    /** First part of the artifact types, `<vendor>.<thing>`: `acme`. */
    vendorKey: string;
    /** The connector's file name, without extension: `acme-widgets-connector`. */
    fileBase: string;
    /** `AcmeWidgetsConnector`, and its config and checkpoint types. */
    className: string;
    configName: string;
    checkpointName: string;
}

/** What a scaffold may be told besides the id. */
export interface PluginNameOptions {
    packageName?: string;
    displayName?: string;
}

/** `<vendor>.<product>`, each lower-case words of letters and digits joined by `-`, starting with a letter. */
const ID_PATTERN = /^([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\.([a-z][a-z0-9]*(?:-[a-z0-9]+)*)$/;
/** npm's rules for a new package name: lower-case, URL-safe, optionally scoped. */
const PACKAGE_NAME_PATTERN = /^(?:@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

/** The names for `id`, or what is wrong with the input and what to write instead. */
export function pluginNames(id: string, options: PluginNameOptions = {}): PluginNames | { problem: string } {
    const match = ID_PATTERN.exec(id);
    if (match === null) {
        return {
            problem:
                `'${id}' is not a connector id of the form <vendor>.<product>: lower-case letters, digits and '-', ` +
                'each part starting with a letter, e.g. acme.widgets'
        };
    }
    const [, vendor, product] = match;
    const packageName = options.packageName ?? `signal-connector-${vendor}-${product}`;
    if (packageName.length > 214 || !PACKAGE_NAME_PATTERN.test(packageName)) {
        return {
            problem: `'${packageName}' is not an npm package name: lower-case letters, digits, '-', '.' and '_', e.g. acme-widgets-connector`
        };
    }
    const vendorName = titleCase(vendor);
    const displayName = (options.displayName ?? `${vendorName} ${titleCase(product)}`).trim();
    if (displayName === '' || displayName.length > 100 || /\p{Cc}/u.test(displayName)) {
        return { problem: 'the display name must be one line of 1 to 100 characters' };
    }
    const pascal = pascalCase(`${vendor}-${product}`);
    return {
        id,
        packageName,
        displayName,
        vendorName,
        vendorKey: vendor.replace(/-/g, '_'),
        fileBase: `${vendor}-${product}-connector`,
        className: `${pascal}Connector`,
        configName: `${pascal}Config`,
        checkpointName: `${pascal}Checkpoint`
    };
}

function titleCase(words: string): string {
    return words
        .split('-')
        .map(word => word.charAt(0).toUpperCase() + word.slice(1))
        .join(' ');
}

function pascalCase(words: string): string {
    return titleCase(words).replace(/ /g, '');
}
