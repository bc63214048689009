/** Whether a URL host name is a loopback address (`localhost`, `127.x.x.x`, `::1`): traffic to it never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
    const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}
