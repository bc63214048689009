import { expect } from 'chai';
import { mapHost } from './device-mapper.js';
import { fullHost } from '../test/ocsf-test-data.js';

describe('mapHost', () => {
    it('classifies the OS family from the Qualys OS string', () => {
        const table: [string, number, string][] = [
            ['Windows 10 Enterprise 64 bit Edition Version 22H2', 100, 'Windows'],
            ['Ubuntu 22.04.4 LTS', 200, 'Linux'],
            ['Red Hat Enterprise Linux 8.9', 200, 'Linux'],
            ['Linux 3.13', 200, 'Linux'],
            ['Android 13', 201, 'Android'],
            ['macOS 14.4', 300, 'macOS'],
            ['Apple Mac OS X 10.15.7', 300, 'macOS'],
            ['Sun Solaris 11.4', 400, 'Solaris'],
            ['IBM AIX 7.2', 401, 'AIX'],
            ['HP-UX 11.31', 402, 'HP-UX'],
            ['Cisco IOS 15.2', 0, 'Unknown']
        ];
        for (const [name, typeId, type] of table) {
            expect(mapHost(fullHost({ os: name, osCpe: undefined })).device.os, name).to.deep.equal({
                name,
                type_id: typeId,
                type
            });
        }
    });

    it('keeps the OS CPE when there is no OS name to hang it on', () => {
        const mapped = mapHost(fullHost({ os: undefined }));
        expect(mapped.device).to.not.have.property('os');
        expect(mapped.unmapped.osCpe).to.equal('cpe:/o:microsoft:windows_server_2019::datacenter');
    });

    it('takes the hostname from DNS_DATA/FQDN, then DNS, then DNS_DATA/HOSTNAME', () => {
        expect(mapHost(fullHost()).device.hostname).to.equal('app01.corp.example.com');
        const dnsOnly = mapHost(fullHost({ dns: 'app01.example.org', dnsData: undefined }));
        expect(dnsOnly.device.hostname).to.equal('app01.example.org');
        expect(dnsOnly.unmapped).to.not.have.property('dns');
        const shortOnly = mapHost(fullHost({ dns: undefined, dnsData: { hostname: 'app01' } }));
        expect(shortOnly.device.hostname).to.equal('app01');
        expect(shortOnly.unmapped).to.not.have.property('dnsData');
        const differs = mapHost(fullHost({ dns: 'legacy.example.org' }));
        expect(differs.unmapped.dns).to.equal('legacy.example.org');
    });

    it('uses the IPv6 address when there is no IPv4 one', () => {
        const mapped = mapHost(fullHost({ ip: undefined }));
        expect(mapped.device.ip).to.equal('fd00:20:4::17');
        expect(mapped.device).to.not.have.property('network_interfaces');
    });

    it('uses the cloud resource ID as instance when there is no EC2 instance ID', () => {
        const azure = mapHost(
            fullHost({
                cloudProvider: 'Azure',
                ec2InstanceId: undefined,
                cloudResourceId: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/vm1'
            })
        );
        expect(azure.device.instance_uid).to.equal(
            '/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/vm1'
        );
        expect(azure.unmapped).to.not.have.property('cloudResourceId');
        expect(azure.cloud).to.deep.equal({ provider: 'Azure' });
        expect(mapHost(fullHost({ cloudProvider: undefined }))).to.not.have.property('cloud');
    });

    it('leaves out the agent, groups and zone when Qualys sent none', () => {
        const mapped = mapHost(fullHost({ qgHostId: undefined, tags: [], networkId: undefined }));
        expect(mapped.device).to.not.have.any.keys('agent_list', 'groups', 'zone');
    });
});
