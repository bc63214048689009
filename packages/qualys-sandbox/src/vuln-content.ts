import { Rng } from './hash.js';

/** KnowledgeBase VULN_TYPE values. */
export type VulnType =
    'Vulnerability' | 'Potential Vulnerability' | 'Vulnerability or Potential Vulnerability' | 'Information Gathered';

/** A QID family: the QID range, category and wording used to invent plausible KnowledgeBase entries. */
export interface QidFamily {
    min: number;
    max: number;
    category: string;
    vendor: string;
    products: readonly string[];
    ig: boolean;
    remote: boolean;
    /** Authentication types listed under DISCOVERY/AUTH_TYPE_LIST for authenticated checks. */
    auth?: string;
}

/** QID ranges roughly following the real KnowledgeBase layout (Windows 9xxxx, Ubuntu 19xxxx, IGs 45xxx...). */
export const QID_FAMILIES: readonly QidFamily[] = [
    {
        min: 11000,
        max: 13999,
        category: 'CGI',
        vendor: 'multi-vendor',
        products: ['web application'],
        ig: false,
        remote: true
    },
    {
        min: 38000,
        max: 38999,
        category: 'General remote services',
        vendor: 'multi-vendor',
        products: ['TLS', 'SSH'],
        ig: false,
        remote: true
    },
    {
        min: 82000,
        max: 82099,
        category: 'TCP/IP',
        vendor: 'multi-vendor',
        products: ['TCP/IP stack'],
        ig: false,
        remote: true
    },
    {
        min: 86000,
        max: 87999,
        category: 'Web server',
        vendor: 'apache',
        products: ['HTTP Server', 'Tomcat'],
        ig: false,
        remote: true
    },
    {
        min: 90000,
        max: 92199,
        category: 'Windows',
        vendor: 'microsoft',
        products: ['Windows', 'Office', 'Edge'],
        ig: false,
        remote: false,
        auth: 'Windows'
    },
    {
        min: 105000,
        max: 105999,
        category: 'Security Policy',
        vendor: 'multi-vendor',
        products: ['Policy'],
        ig: false,
        remote: false,
        auth: 'Unix'
    },
    {
        min: 198000,
        max: 199999,
        category: 'Ubuntu',
        vendor: 'canonical',
        products: ['openssl', 'linux', 'curl', 'sudo'],
        ig: false,
        remote: false,
        auth: 'Unix'
    },
    {
        min: 370000,
        max: 379999,
        category: 'Local',
        vendor: 'oracle',
        products: ['Java SE', 'MySQL'],
        ig: false,
        remote: false,
        auth: 'Unix'
    },
    {
        min: 6000000,
        max: 6099999,
        category: 'Local',
        vendor: 'debian',
        products: ['glibc', 'zlib', 'bash'],
        ig: false,
        remote: false,
        auth: 'Unix'
    },
    {
        min: 45000,
        max: 45999,
        category: 'Information gathering',
        vendor: 'qualys',
        products: ['Scanner'],
        ig: true,
        remote: true
    },
    { min: 82023, max: 82099, category: 'TCP/IP', vendor: 'qualys', products: ['Scanner'], ig: true, remote: true }
];

const IG_TITLES = [
    'Host Scan Time - Scanner',
    'Open TCP Services List',
    'Traceroute',
    'Operating System Detected',
    'DNS Host Name',
    'Network Adapter MAC Address',
    'Installed Applications Enumerated From Windows Installer',
    'Host Names Found',
    'SSL Certificate - Information',
    'Firewall Detected'
];

/** Threat-intelligence ids and labels seen in real KnowledgeBase output. */
export const THREAT_INTEL = [
    [2, 'Exploit_Public'],
    [4, 'High_Lateral_Movement'],
    [5, 'Easy_Exploit'],
    [6, 'High_Data_Loss'],
    [7, 'Denial_of_Service'],
    [8, 'No_Patch'],
    [13, 'Privilege_Escalation'],
    [15, 'Remote_Code_Execution']
] as const;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October'];

/** Invents a title for a QID of the given family. Some contain `&` and `<`, which must survive CDATA. */
export function vulnTitle(family: QidFamily, qid: number, rng: Rng): string {
    const product = rng.pick(family.products);
    if (family.ig) return IG_TITLES[qid % IG_TITLES.length];
    switch (family.category) {
        case 'Windows':
            return `Microsoft ${product} Security Update for ${rng.pick(MONTHS)} ${rng.range(2019, 2024)}`;
        case 'Ubuntu':
            return `Ubuntu Security Notification for ${product} Vulnerabilities (USN-${rng.range(4000, 6900)}-1)`;
        case 'Web server':
            return `Apache ${product} < 2.4.${rng.range(40, 59)} Multiple Vulnerabilities`;
        case 'CGI':
            return `Web Application Cross-Site Scripting & Open Redirect in /${rng.pick(['login', 'search', 'admin'])}`;
        case 'General remote services':
            return `${product} Server Supports Deprecated Protocol Version ${rng.pick(['TLSv1.0', 'TLSv1.1', 'SSHv1'])}`;
        default:
            return `${family.vendor} ${product} Vulnerability (${family.category} check ${qid})`;
    }
}

/** DIAGNOSIS / CONSEQUENCE / SOLUTION texts: HTML fragments carried inside CDATA, as Qualys does. */
export function vulnTexts(family: QidFamily, title: string, rng: Rng, revision: number) {
    const advisory = `https://advisories.example.com/${family.vendor}/${rng.range(1000, 99999)}`;
    return {
        diagnosis:
            `${title}.<P>Affected ${family.vendor} components were detected on the target. ` +
            `Versions prior to ${rng.range(1, 9)}.${rng.range(0, 20)} are affected.<BR>QID Detection Logic: ` +
            `this ${family.remote ? 'unauthenticated' : 'authenticated'} check inspects installed versions & banners.`,
        consequence: family.ig
            ? 'N/A'
            : 'Successful exploitation could allow an attacker to execute code, disclose data or cause a denial of service.',
        solution:
            `Customers are advised to apply the vendor update. Refer to <A HREF="${advisory}" TARGET="_blank">` +
            `${family.vendor} advisory</A> for details.` +
            (revision > 0 ? `<P>Updated guidance (revision ${revision}): apply the latest cumulative patch.` : '')
    };
}

/** A CVSS v2 vector and a v3.1 vector consistent with the given severity. */
export function cvssVectors(severity: number, rng: Rng): { v2: string; v3: string } {
    const high = severity >= 4;
    const v2 = `CVSS:2.0/AV:${high ? 'N' : rng.pick(['N', 'L'])}/AC:${rng.pick(['L', 'M'])}/Au:N/C:${high ? 'C' : 'P'}/I:P/A:P`;
    const v3 =
        `CVSS:3.1/AV:${high ? 'N' : 'L'}/AC:${rng.pick(['L', 'H'])}/PR:N/UI:${rng.pick(['N', 'R'])}/S:U/` +
        `C:${high ? 'H' : 'L'}/I:${high ? 'H' : 'N'}/A:${rng.pick(['H', 'N'])}/E:${rng.pick(['P', 'U', 'F'])}/RL:O/RC:C`;
    return { v2, v3 };
}
