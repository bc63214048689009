import winston from 'winston';

/**
 * How log lines are written: one JSON object a line (`json`), readable colourised lines for a terminal (`pretty`),
 * or plain readable lines for `docker logs`, journald and files (`text`: no escape codes).
 */
export type LogLineFormat = 'json' | 'pretty' | 'text';

/** Every {@link LogLineFormat}, for option parsers and config schemas. */
export const LOG_LINE_FORMATS: readonly LogLineFormat[] = ['json', 'pretty', 'text'];

// winston reads the finished line from this symbol (triple-beam's MESSAGE, which is a global symbol).
const MESSAGE = Symbol.for('message');
const LEVEL = Symbol.for('level');

const COLOURS: Record<string, string> = {
    error: '\x1b[31m',
    warn: '\x1b[33m',
    info: '\x1b[32m',
    debug: '\x1b[36m'
};
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

type Info = winston.Logform.TransformableInfo & { [key: symbol]: unknown };

/** The fields of a line other than its level and message, in the order they were given. */
function fieldsOf(info: Info): Record<string, unknown> {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(info)) {
        if (key !== 'level' && key !== 'message') {
            fields[key] = value;
        }
    }
    return fields;
}

/** `{"time":"…","level":"info","message":"…","connector":"qualys",…}`: easy to ship and query. */
function jsonLine(info: Info): string {
    const level = String(info[LEVEL] ?? info.level);
    return JSON.stringify({ time: new Date().toISOString(), level, message: info.message, ...fieldsOf(info) });
}

function prettyValue(value: unknown): string {
    if (typeof value === 'string') {
        return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
    }
    return JSON.stringify(value) ?? String(value);
}

/** `13:40:59.048 INFO  [qualys/prod] Fetched page count=1000`: for a person watching a terminal. */
function prettyLine(info: Info): string {
    const level = String(info[LEVEL] ?? info.level);
    const { connector, instance, error, ...rest } = fieldsOf(info);
    const time = new Date().toISOString().slice(11, 23);
    const colour = COLOURS[level] ?? '';
    const scope = [connector, instance].filter(part => part !== undefined).join('/');
    const parts = [
        `${DIM}${time}${RESET}`,
        `${colour}${level.toUpperCase().padEnd(5)}${RESET}`,
        ...(scope === '' ? [] : [`${DIM}[${scope}]${RESET}`]),
        String(info.message),
        ...Object.entries(rest).map(([key, value]) => `${DIM}${key}=${RESET}${prettyValue(value)}`)
    ];
    let line = parts.join(' ');
    // The stack goes last, on its own lines, so the line above stays readable.
    if (error !== undefined && typeof error === 'object' && error !== null) {
        const { stack, ...summary } = error as Record<string, unknown>;
        line += ` ${DIM}error=${RESET}${prettyValue(summary)}`;
        if (typeof stack === 'string') {
            line += `\n${DIM}${stack}${RESET}`;
        }
    } else if (error !== undefined) {
        line += ` ${DIM}error=${RESET}${prettyValue(error)}`;
    }
    return line;
}

/**
 * `2026-12-06T10:00:00Z [INFO] qualys: fetched host detections pages=3 instance=qualys-prod`: for people reading
 * `docker logs` or a file, and for grep. No colour, one line per entry (a stack trace, logged at debug only, follows
 * on its own lines).
 */
function textLine(info: Info): string {
    const level = String(info[LEVEL] ?? info.level);
    const { error, ...rest } = fieldsOf(info);
    const time = `${new Date().toISOString().slice(0, 19)}Z`;
    const parts = [
        time,
        `[${level.toUpperCase()}]`,
        String(info.message),
        ...Object.entries(rest).map(([key, value]) => `${key}=${prettyValue(value)}`)
    ];
    let line = parts.join(' ');
    if (error !== undefined && typeof error === 'object' && error !== null) {
        const { stack, ...summary } = error as Record<string, unknown>;
        line += ` error=${prettyValue(summary)}`;
        if (typeof stack === 'string') line += `\n${stack}`;
    } else if (error !== undefined) {
        line += ` error=${prettyValue(error)}`;
    }
    return line;
}

const LINE_WRITERS: Record<LogLineFormat, (info: Info) => string> = {
    json: jsonLine,
    pretty: prettyLine,
    text: textLine
};

/** The winston format that writes lines as `format` says. */
export function logLineFormat(format: LogLineFormat): winston.Logform.Format {
    const write = LINE_WRITERS[format];
    return winston.format(info => {
        (info as Info)[MESSAGE] = write(info as Info);
        return info;
    })();
}
