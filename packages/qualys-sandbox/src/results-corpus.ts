import { hash, Rng, unit } from './hash.js';

/** Upper bound for the average RESULTS size, so the shared corpus stays a few MB at most. */
export const MAX_RESULTS_SIZE = 1024 * 1024;

type LineMaker = (rng: Rng) => string;

function version(rng: Rng): string {
    return `${rng.range(0, 12)}.${rng.range(0, 40)}.${rng.range(0, 9999)}`;
}

const PACKAGES = ['openssl', 'libxml2', 'curl', 'glibc', 'openssh-server', 'sudo', 'bash', 'zlib1g', 'python3.10'];
const FILES = ['win32k.sys', 'ntoskrnl.exe', 'mshtml.dll', 'msxml6.dll', 'edgehtml.dll', 'tcpip.sys', 'srv2.sys'];

// Line shapes seen in real RESULTS: tab-separated tables, registry/file evidence, HTTP banners with markup and
// ampersands, and already-escaped entity text (Qualys sometimes double-escapes). Non-ASCII appears now and then.
const LINE_MAKERS: LineMaker[] = [
    () => 'Package\tInstalled Version\tRequired Version',
    rng =>
        `${rng.pick(PACKAGES)}\t${version(rng)}-0ubuntu1.${rng.range(1, 30)}\t${version(rng)}-0ubuntu1.${rng.range(31, 60)}`,
    rng => `%windir%\\System32\\${rng.pick(FILES)}  Version is 10.0.${rng.range(14393, 22631)}.${rng.range(1, 5000)}`,
    rng => `HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\tUBR\t${rng.range(1000, 6000)}`,
    rng => `GET /cgi-bin/test.cgi?id=${rng.range(1, 999)}&debug=1 HTTP/1.1`,
    rng => `<title>Index of /backup</title> returned ${rng.range(200, 204)} & listed ${rng.range(2, 90)} entries`,
    rng => `Server: Apache/2.4.${rng.range(10, 57)} (Unix) OpenSSL/1.0.${rng.range(1, 2)}k`,
    () => 'X-Content-Type-Options HTTP Header missing on port 443.',
    rng => `TLSv1.${rng.range(0, 1)}\tis supported\tCipher\tTLS_RSA_WITH_AES_${rng.pick(['128', '256'])}_CBC_SHA`,
    () => 'Cookie attribute &quot;HttpOnly&quot; not set &gt; session cookie exposed',
    rng => `#table cols="3"\nNAME\tVALUE\tSTATUS\nMaxAuthTries\t${rng.range(4, 10)}\tnon-compliant`,
    rng => `Detected version ${version(rng)} < fixed version ${version(rng)} (vendor advisory "S${rng.range(1, 99)}")`,
    rng => `Kernel: Linux ${rng.range(3, 6)}.${rng.range(0, 19)}.${rng.range(0, 200)}-generic\trunning`,
    rng => `Zertifikat für CN=srv${rng.range(1, 99)}.example.com läuft ab (Résumé: ${rng.range(1, 30)} Tage)`,
    rng => `   ${rng.range(1, 65535)}/tcp open  ${rng.pick(['http', 'https', 'ssh', 'msrpc', 'smtp'])}`
];

/** The `]]>` sequence some detections carry so consumers prove their CDATA handling. */
export const CDATA_TRAP_LINE = 'Banner echoed: <![CDATA[ injected ]]> & <script>alert(1)</script>';

/**
 * A seeded block of realistic RESULTS lines. Each detection's RESULTS is a slice of it chosen by a hash, which
 * gives varied, multi-line, tab-separated text of the requested average size without storing anything per
 * detection (slices of one string cost no copy until written).
 */
export class ResultsCorpus {
    private readonly text: string;
    private readonly lineStarts: Uint32Array;

    /** Builds a corpus for detections averaging `averageSize` characters of RESULTS. */
    constructor(
        seed: number,
        readonly averageSize: number
    ) {
        const rng = new Rng(hash(seed, 0x7e5));
        const target = Math.max(64 * 1024, Math.min(MAX_RESULTS_SIZE, averageSize) * 6);
        const lines: string[] = [];
        let length = 0;
        while (length < target) {
            const line = rng.pick(LINE_MAKERS)(rng);
            lines.push(line);
            length += line.length + 1;
        }
        this.text = lines.join('\n') + '\n';
        const starts: number[] = [0];
        for (let i = 0; i < this.text.length - 1; i++) if (this.text.charCodeAt(i) === 10) starts.push(i + 1);
        this.lineStarts = Uint32Array.from(starts);
    }

    /**
     * The RESULTS text for a detection: `header` then whole corpus lines totalling roughly 0.5-1.5x the average
     * size (selected by `key`), optionally preceded by a line containing `]]>`.
     */
    results(key: number, header: string, trap: boolean): string {
        const size = Math.min(MAX_RESULTS_SIZE, Math.round(this.averageSize * (0.5 + unit(hash(key, 1)))));
        const want = Math.max(0, size - header.length - 1);
        // Only start on lines that leave room for the whole slice, so sizes stay close to the requested average.
        const usableLines = Math.max(1, this.linesStartingBefore(this.text.length - want));
        const start = this.lineStarts[hash(key, 2) % usableLines];
        let end = Math.min(this.text.length - 1, start + want);
        const nl = this.text.indexOf('\n', end);
        end = nl < 0 ? this.text.length - 1 : nl;
        const body = want === 0 ? '' : this.text.slice(start, end);
        const withTrap = trap ? `${CDATA_TRAP_LINE}\n${body}` : body;
        return withTrap ? `${header}\n${withTrap}` : header;
    }

    private linesStartingBefore(offset: number): number {
        let lo = 0;
        let hi = this.lineStarts.length;
        while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (this.lineStarts[mid] <= offset) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
