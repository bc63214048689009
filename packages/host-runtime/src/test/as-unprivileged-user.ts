/** The uid and gid of `nobody` on Debian-like systems. */
const NOBODY = 65534;

/**
 * Runs `action` as an unprivileged user, so that file permissions apply to what it does: as `nobody` when the
 * tests run as root (root ignores permissions), as the current user otherwise. Only the effective ids change,
 * and only while `action` runs: the real ids stay root, so they can be restored. Nothing is spawned, so this
 * works wherever the clone sits (a child run as `nobody` cannot even start from a clone under a 0700 directory
 * such as /root or a `mktemp -d`). The whole process is unprivileged meanwhile: await `action` alone.
 */
export async function asUnprivilegedUser<T>(action: (euid: number) => Promise<T>): Promise<T> {
    const { getuid, geteuid, getegid, getgroups, setegid, seteuid, setgroups } = process;
    if (getuid?.() !== 0 || !geteuid || !getegid || !getgroups || !setegid || !seteuid || !setgroups) {
        return action(geteuid?.() ?? -1);
    }
    const groups = getgroups();
    const egid = getegid();
    // Groups and gid first: once the euid is not 0, they can no longer be changed.
    setgroups([NOBODY]);
    setegid(NOBODY);
    seteuid(NOBODY);
    try {
        return await action(geteuid());
    } finally {
        seteuid(0);
        setegid(egid);
        setgroups(groups);
    }
}
