import { type ApiContext, beginXml } from './api-context.js';
import { formatQualysDate } from './qualys-date.js';
import { escapeXml } from './xml-text.js';

/** `/msp/about.php`: the tiny v1 ABOUT document, often used as a credentials check. It takes no parameters. */
export async function handleAbout(ctx: ApiContext): Promise<void> {
    const out = beginXml(ctx);
    out.write(
        '<?xml version="1.0" encoding="UTF-8" ?>\n' +
            `<!DOCTYPE ABOUT SYSTEM "${ctx.baseUrl}/about.dtd">\n` +
            '<ABOUT>\n  <API-VERSION MAJOR="1" MINOR="4" />\n  <WEB-VERSION>10.28.0.1-1</WEB-VERSION>\n' +
            '  <SCANNER-VERSION>13.6.32-1</SCANNER-VERSION>\n  <VULNSIGS-VERSION>2.6.64-2</VULNSIGS-VERSION>\n'
    );
    if (await out.fireFaultIfDue()) return;
    const closing =
        '</ABOUT>\n' +
        `<!-- Generated for username="${escapeXml(ctx.username)}" date="${formatQualysDate(ctx.tenant.nowSec())}" -->\n`;
    ctx.record.completed = await out.end(closing);
}
