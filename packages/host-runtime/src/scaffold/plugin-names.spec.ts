import { expect } from 'chai';
import { pluginNames } from './plugin-names.js';

describe('pluginNames', () => {
    it('derives every name of a plugin from its <vendor>.<product> id', () => {
        expect(pluginNames('acme-corp.cloud-widgets')).to.deep.equal({
            id: 'acme-corp.cloud-widgets',
            packageName: 'signal-connector-acme-corp-cloud-widgets',
            displayName: 'Acme Corp Cloud Widgets',
            vendorName: 'Acme Corp',
            vendorKey: 'acme_corp',
            fileBase: 'acme-corp-cloud-widgets-connector',
            className: 'AcmeCorpCloudWidgetsConnector',
            configName: 'AcmeCorpCloudWidgetsConfig',
            checkpointName: 'AcmeCorpCloudWidgetsCheckpoint'
        });
    });

    it('takes a package name and a display name when given', () => {
        const names = pluginNames('acme.widgets', { packageName: '@acme/widgets-connector', displayName: 'Widgets "Pro"' });
        expect(names).to.include({ packageName: '@acme/widgets-connector', displayName: 'Widgets "Pro"' });
    });

    it('refuses ids, package names and display names it cannot use, saying what to write', () => {
        for (const id of ['acme', 'Acme.Widgets', 'acme.widgets.pro', '1acme.widgets', 'acme.', 'acme.wid_gets']) {
            expect(pluginNames(id), id).to.have.property('problem').that.contains('e.g. acme.widgets');
        }
        expect(pluginNames('acme.widgets', { packageName: 'Acme Widgets' })).to.have.property('problem');
        expect(pluginNames('acme.widgets', { displayName: 'two\nlines' })).to.have.property('problem');
        expect(pluginNames('acme.widgets', { displayName: '  ' })).to.have.property('problem');
    });
});
