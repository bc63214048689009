// The functions used, not the package's index, which loads every one of its 46 modules.
import gtr from 'semver/ranges/gtr.js';
import ltr from 'semver/ranges/ltr.js';
import validRange from 'semver/ranges/valid.js';
import satisfies from 'semver/functions/satisfies.js';
import validVersion from 'semver/functions/valid.js';
import { SDK_VERSION } from '../sdk-version.js';

/** The outcome of {@link checkSdkCompatibility}. */
export type SdkCompatibility = { ok: true } | { ok: false; reason: string };

/**
 * Whether a plugin built for the SDK range `range` (its manifest's `sdk`) can run with SDK `sdkVersion`
 * (this SDK by default). Prereleases count (`includePrerelease`), so `^0.2.0` accepts `0.2.1-rc.1`: a host on a
 * release candidate must still load the plugins built for that line. The reason says which side to upgrade.
 */
export function checkSdkCompatibility(range: string, sdkVersion: string = SDK_VERSION): SdkCompatibility {
    const options = { includePrerelease: true };
    const valid = typeof range === 'string' ? validRange(range, options) : null;
    if (valid === null) {
        return { ok: false, reason: `'${String(range)}' is not a valid semver range; write e.g. '^${sdkVersion}'` };
    }
    if (validVersion(sdkVersion) === null) {
        return { ok: false, reason: `'${sdkVersion}' is not a valid SDK version` };
    }
    if (satisfies(sdkVersion, range, options)) return { ok: true };
    const advice = gtr(sdkVersion, range, options)
        ? 'the plugin was built for an older SDK; upgrade the plugin'
        : ltr(sdkVersion, range, options)
          ? 'the plugin needs a newer SDK; upgrade the host runtime'
          : 'upgrade the plugin or the host runtime';
    return { ok: false, reason: `the plugin needs SDK ${range} but this host has SDK ${sdkVersion}: ${advice}` };
}
