import { readFile } from 'node:fs/promises';

/** The system's group database. */
const GROUP_FILE = '/etc/group';

/**
 * The numeric id of a group given by name or number, e.g. `siem-readers` or `1001`; undefined when the name is not
 * in `/etc/group` (groups only known to a directory service can be given by number).
 */
export async function resolveGroupId(group: string | number, groupFile = GROUP_FILE): Promise<number | undefined> {
    if (typeof group === 'number') return group;
    if (/^\d+$/.test(group)) return Number(group);
    let text: string;
    try {
        text = await readFile(groupFile, 'utf8');
    } catch {
        return undefined;
    }
    for (const line of text.split('\n')) {
        const [name, , gid] = line.split(':');
        if (name === group && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
    }
    return undefined;
}
