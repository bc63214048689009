import { expect } from 'chai';
import type { QualysCloudMetadata } from '../model/index.js';
import { fullHost } from '../test/ocsf-test-data.js';
import { mapCloud } from './cloud-mapper.js';
import { mapHost } from './device-mapper.js';

function block(source: string, attributes: Record<string, string>): QualysCloudMetadata {
    return {
        source,
        attributes: Object.entries(attributes).map(([name, value]) => ({ name, value, lastStatus: 'Success' }))
    };
}

describe('mapCloud', () => {
    it('maps EC2 metadata to cloud region, zone and account, and the instance, MAC and public IP', () => {
        const host = fullHost({
            cloudMetadata: [
                block('EC2', {
                    'latest/dynamic/instance-identity/document/accountId': '123456789123',
                    'latest/dynamic/instance-identity/document/availabilityZone': 'us-west-2b',
                    'latest/dynamic/instance-identity/document/region': 'us-west-2',
                    'latest/meta-data/instance-id': 'i-0abc123def4567890',
                    'latest/meta-data/instance-type': 'm5.large',
                    'latest/meta-data/mac': '0a:1b:2c:3d:4e:5f',
                    'latest/meta-data/public-ipv4': '54.1.2.3'
                })
            ]
        });
        expect(mapCloud(host)).to.deep.equal({
            cloud: {
                provider: 'AWS',
                region: 'us-west-2',
                zone: 'us-west-2b',
                account: { uid: '123456789123', type_id: 10, type: 'AWS Account' }
            },
            instanceUid: 'i-0abc123def4567890',
            mac: '0a:1b:2c:3d:4e:5f',
            publicIp: '54.1.2.3'
        });
    });

    it('derives an AWS region from the zone, and skips attributes Qualys failed to read', () => {
        const metadata = block('EC2', { 'latest/meta-data/placement/availability-zone': 'eu-central-1a' });
        metadata.attributes.push({
            name: 'latest/dynamic/instance-identity/document/accountId',
            value: '999',
            lastStatus: 'Error'
        });
        expect(mapCloud(fullHost({ cloudMetadata: [metadata] })).cloud).to.deep.equal({
            provider: 'AWS',
            region: 'eu-central-1',
            zone: 'eu-central-1a'
        });
    });

    it('maps GCP metadata: the zone path, the project number as account, the project id as project', () => {
        const host = fullHost({
            cloudProvider: 'GCP',
            cloudMetadata: [
                block('GOOGLE', {
                    projectId: 'mysuperproject',
                    projectIdNo: '123456789876',
                    zone: 'projects/123456789876/zones/us-central1-a'
                })
            ]
        });
        expect(mapCloud(host).cloud).to.deep.equal({
            provider: 'GCP',
            region: 'us-central1',
            zone: 'us-central1-a',
            account: { uid: '123456789876', name: 'mysuperproject', type_id: 11, type: 'GCP Project' },
            project_uid: 'mysuperproject'
        });
    });

    it('maps Azure (instance metadata service names) and Alibaba Cloud metadata', () => {
        const azure = mapCloud(
            fullHost({
                cloudProvider: 'Azure',
                cloudMetadata: [
                    block('AZURE', {
                        'compute/location': 'westeurope',
                        'compute/zone': '2',
                        'compute/subscriptionId': '8d3f0a0e-1111-2222-3333-444455556666',
                        'compute/vmId': '02aab8a4-74ef-476e-8182-f6d2ba4166a6',
                        'network/interface/0/macAddress': '000D3A7B9C1E',
                        'network/interface/0/ipv4/ipAddress/0/publicIpAddress': '20.1.2.3'
                    })
                ]
            })
        );
        expect(azure.cloud).to.deep.equal({
            provider: 'Azure',
            region: 'westeurope',
            zone: '2',
            account: { uid: '8d3f0a0e-1111-2222-3333-444455556666', type_id: 13, type: 'Azure Subscription' }
        });
        expect(azure.instanceUid).to.equal('02aab8a4-74ef-476e-8182-f6d2ba4166a6');
        expect(azure.mac, 'separators added, as OCSF writes MACs').to.equal('00:0d:3a:7b:9c:1e');
        expect(azure.publicIp).to.equal('20.1.2.3');

        const alibaba = mapCloud(
            fullHost({
                cloudProvider: undefined,
                cloudMetadata: [
                    block('ALICLOUD', {
                        'latest/meta-data/region-id': 'cn-hangzhou',
                        'latest/meta-data/zone-id': 'cn-hangzhou-i',
                        'latest/meta-data/owner-account-id': '1234567890123456',
                        'latest/meta-data/eipv4': '47.1.2.3'
                    })
                ]
            })
        );
        expect(alibaba.cloud).to.deep.equal({
            provider: 'Alibaba Cloud',
            region: 'cn-hangzhou',
            zone: 'cn-hangzhou-i',
            account: { uid: '1234567890123456', type_id: 99, type: 'Alibaba Cloud account' }
        });
        expect(alibaba.publicIp).to.equal('47.1.2.3');
    });

    it('puts the metadata MAC and public IP on the device, beside its own addresses', () => {
        const mapped = mapHost(
            fullHost({
                ipv6: undefined,
                cloudMetadata: [
                    block('EC2', {
                        'latest/meta-data/mac': 'aa:bb:cc:dd:ee:ff',
                        'latest/meta-data/public-ipv4': '54.1.2.3'
                    })
                ]
            })
        );
        expect(mapped.device.mac).to.equal('aa:bb:cc:dd:ee:ff');
        expect(mapped.device.network_interfaces).to.deep.equal([
            { ip: '10.20.4.17', mac: 'aa:bb:cc:dd:ee:ff', type_id: 0, type: 'Unknown' },
            { ip: '54.1.2.3', type_id: 99, type: 'Public' }
        ]);
    });

    it('names the zone after the network, never the default network, and keeps a custom network id', () => {
        expect(
            mapHost(fullHost({ networkId: '0', networkName: 'Global Default Network' })).device
        ).not.to.have.property('zone');
        const named = mapHost(fullHost({ networkId: '183452', networkName: 'DMZ Frankfurt' }));
        expect(named.device.zone).to.equal('DMZ Frankfurt');
        expect(named.unmapped.networkId).to.equal('183452');
        expect(mapHost(fullHost({ networkId: '183452', networkName: undefined })).device.zone).to.equal('183452');
        expect(mapHost(fullHost({ networkId: '0' })).unmapped).not.to.have.property('networkId');
    });
});
