import { expect } from 'chai';
import { SDK_VERSION } from '../sdk-version.js';
import { checkSdkCompatibility } from './sdk-compatibility.js';

describe('checkSdkCompatibility', () => {
    it('accepts a range the SDK version satisfies', () => {
        expect(checkSdkCompatibility('^0.1.0', '0.1.7')).to.deep.equal({ ok: true });
        expect(checkSdkCompatibility('>=0.1.0 <2', '1.4.0')).to.deep.equal({ ok: true });
        expect(checkSdkCompatibility('0.1.x || 0.2.x', '0.2.3')).to.deep.equal({ ok: true });
    });

    it('counts prereleases of the range', () => {
        expect(checkSdkCompatibility('^0.2.0', '0.2.1-rc.1')).to.deep.equal({ ok: true });
        expect(checkSdkCompatibility('^1.0.0', '1.1.0-beta.2')).to.deep.equal({ ok: true });
    });

    it('checks against this SDK by default', () => {
        expect(checkSdkCompatibility(`^${SDK_VERSION}`)).to.deep.equal({ ok: true });
        expect(checkSdkCompatibility('>=99.0.0').ok).to.equal(false);
    });

    it('says which side to upgrade', () => {
        const older = checkSdkCompatibility('^0.1.0', '0.2.0');
        expect(older).to.deep.equal({
            ok: false,
            reason: 'the plugin needs SDK ^0.1.0 but this host has SDK 0.2.0: the plugin was built for an older SDK; upgrade the plugin'
        });
        const newer = checkSdkCompatibility('^0.3.0', '0.2.0');
        expect(newer.ok ? '' : newer.reason).to.match(/upgrade the host runtime$/);
    });

    it('rejects an invalid range or version with a reason', () => {
        expect(checkSdkCompatibility('latest', '0.1.0')).to.deep.equal({
            ok: false,
            reason: "'latest' is not a valid semver range; write e.g. '^0.1.0'"
        });
        expect(checkSdkCompatibility('^0.1.0', 'one').ok).to.equal(false);
    });
});
