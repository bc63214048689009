import { expect } from 'chai';
import {
    QUALYS_PLATFORMS,
    QUALYS_PLATFORM_IDENTIFICATION_URL,
    findPlatformByApiHost,
    findPlatformByConsoleHost,
    platformHint,
    suggestApiHost
} from './qualys-platforms.js';

describe('qualys-platforms', () => {
    it('lists the shared platforms with unique ids and qualysapi/qualysguard hosts', () => {
        expect(QUALYS_PLATFORMS.map(p => p.id)).to.deep.equal([
            'US1',
            'US2',
            'US3',
            'US4',
            'EU1',
            'EU2',
            'EU3',
            'IN1',
            'CA1',
            'AE1',
            'UK1',
            'AU1',
            'KSA1'
        ]);
        for (const platform of QUALYS_PLATFORMS) {
            expect(platform.apiHost).to.match(/^qualysapi\./);
            expect(platform.consoleHost).to.equal(platform.apiHost.replace(/^qualysapi\./, 'qualysguard.'));
        }
    });

    it("derives each platform's web console and gateway from its API server", () => {
        const hosts = (id: string) => {
            const { apiHost, consoleHost, gatewayHost } = QUALYS_PLATFORMS.find(p => p.id === id)!;
            return [apiHost, consoleHost, gatewayHost];
        };
        expect(hosts('US1')).to.deep.equal([
            'qualysapi.qualys.com',
            'qualysguard.qualys.com',
            'gateway.qg1.apps.qualys.com'
        ]);
        expect(hosts('EU1')).to.deep.equal(['qualysapi.qualys.eu', 'qualysguard.qualys.eu', 'gateway.qg1.apps.qualys.eu']);
        expect(hosts('US2')).to.deep.equal([
            'qualysapi.qg2.apps.qualys.com',
            'qualysguard.qg2.apps.qualys.com',
            'gateway.qg2.apps.qualys.com'
        ]);
        expect(hosts('KSA1')[2]).to.equal('gateway.qg1.apps.qualysksa.com');
        expect(hosts('UK1')[2]).to.equal('gateway.qg1.apps.qualys.co.uk');
    });

    it('finds a platform by its API server or its web console, as a host name or URL', () => {
        expect(findPlatformByApiHost('https://QUALYSAPI.qg2.apps.qualys.com/')?.id).to.equal('US2');
        expect(findPlatformByConsoleHost('qualysguard.qualys.eu')?.id).to.equal('EU1');
        expect(findPlatformByConsoleHost('https://qualysguard.qg1.apps.qualys.co.uk/fo/login.php')?.id).to.equal('UK1');
        expect(findPlatformByApiHost('qualysapi.example.com')).to.equal(undefined);
    });

    it('suggests the API server for console and gateway hosts, private clouds included', () => {
        expect(suggestApiHost('qualysguard.qg2.apps.qualys.com')).to.equal('qualysapi.qg2.apps.qualys.com');
        expect(suggestApiHost('gateway.qg1.apps.qualys.eu')).to.equal('qualysapi.qualys.eu');
        expect(suggestApiHost('https://qualysguard.acme.qualys.com')).to.equal('qualysapi.acme.qualys.com');
        expect(suggestApiHost('qualysapi.qualys.com')).to.equal(undefined);
        expect(suggestApiHost('example.com')).to.equal(undefined);
    });

    it('hints at the platform table, naming the likely API server when it can guess one', () => {
        expect(platformHint('qualysguard.qg3.apps.qualys.com')).to.contain("use 'qualysapi.qg3.apps.qualys.com'");
        const hint = platformHint('example.com:8443');
        expect(hint).to.contain("'example.com'");
        expect(hint).to.contain(QUALYS_PLATFORM_IDENTIFICATION_URL);
        expect(hint).to.contain('qualysapi.qualys.com');
        const known = platformHint('qualysapi.qg2.apps.qualys.com');
        expect(known).to.contain('API server of platform US2').and.to.contain('apiVersion');
    });
});
