"""The host configuration of networking-spp: the JSON at
/spp/openstack/configuration/HOST and the vhost keys, as the original's
devstack plugin wrote them, built here from one description per NIC
(PHYSNET:NUM_VHOST:CORE_MASK[:PCI]) and read back by the agent.

Fixed wiring of NIC n (spp_vf client id n+1) with global vhost ids v:
classifier phy:n -> ring:2v..., forward ring:2v -> vhost:v, forward
vhost:v -> ring:2v+1, merge ring:2v+1... -> phy:n."""

import argparse
import json
import socket
import sys

from networking_spp.common import etcd_key


class ConfigError(ValueError):
    pass


def cores_of(mask):
    m = int(mask, 16) if isinstance(mask, str) else int(mask)
    return [i for i in range(64) if m >> i & 1]


# a classifier of spp_vf has at most 64 tx ports, one per vhost (the
# wiring's components, a classifier and a merge plus two forwards per vhost,
# fit in spp_vf's 160)
MAX_VHOST = 64


def parse_vf_spec(spec):
    """'physnet1:2:0x18[:0000:00:04.0]' -> (physnet, num_vhost, mask, pci)"""
    parts = spec.split(':', 3)
    if len(parts) < 3:
        raise ConfigError('vf %r: want PHYSNET:NUM_VHOST:CORE_MASK[:PCI]'
                          % spec)
    try:
        num = int(parts[1])
        cores = cores_of(parts[2])
    except ValueError:
        raise ConfigError('vf %r: NUM_VHOST and CORE_MASK are numbers'
                          % spec)
    if num < 1 or len(cores) < 2:
        raise ConfigError('vf %r: at least 1 vhost and 2 cores (master '
                          'and worker) in the mask' % spec)
    if num > MAX_VHOST:
        raise ConfigError('vf %r: at most %d vhosts per NIC (one spp_vf)'
                          % (spec, MAX_VHOST))
    return parts[0], num, parts[2], parts[3] if len(parts) > 3 else ''


def parse_mirror_spec(spec):
    """'2:0x60' (or the original's '2#0x60') -> (num, worker cores)"""
    parts = spec.replace('#', ':').split(':')
    try:
        num, cores = int(parts[0]), cores_of(parts[1])
    except (ValueError, IndexError):
        raise ConfigError('mirror %r: want NUM_COMPONENTS:CORE_MASK' % spec)
    if len(parts) != 2 or num < 1 or len(cores) < 2:
        raise ConfigError('mirror %r: at least 1 component and 2 cores '
                          '(master and worker) in the mask' % spec)
    return num, cores[1:]


def build(specs, vhost_id_base=0, mirror_spec=''):
    """The configuration JSON object for the NICs described by specs (and
    the spp_mirror components for TaaS, the original's "mirror" list: each
    a core and two rings after the vhosts' rings)."""
    vfs, first = [], vhost_id_base
    for nic, spec in enumerate(specs):
        physnet, num, mask, pci = parse_vf_spec(spec)
        worker = cores_of(mask)[1]
        # (vhost id, ring index): rings count from 0 whatever the base
        vhosts = [(v, v - vhost_id_base) for v in range(first, first + num)]
        comps = [{'core': worker, 'name': 'classifier', 'type': 'classifier',
                  'rx_port': ['phy:%d' % nic],
                  'tx_port': ['ring:%d' % (2 * r) for v, r in vhosts]},
                 {'core': worker, 'name': 'merge', 'type': 'merge',
                  'rx_port': ['ring:%d' % (2 * r + 1) for v, r in vhosts],
                  'tx_port': ['phy:%d' % nic]}]
        for v, r in vhosts:
            comps.append({'core': worker, 'name': 'forward_%d_tx' % v,
                          'type': 'forward', 'rx_port': ['ring:%d' % (2 * r)],
                          'tx_port': ['vhost:%d' % v]})
            comps.append({'core': worker, 'name': 'forward_%d_rx' % v,
                          'type': 'forward', 'rx_port': ['vhost:%d' % v],
                          'tx_port': ['ring:%d' % (2 * r + 1)]})
        vfs.append({'pci_address': pci, 'physical_network': physnet,
                    'num_vhost': num, 'core_mask': mask,
                    'components': comps})
        first += num
    conf = {'vf': vfs}
    if mirror_spec:
        num, workers = parse_mirror_spec(mirror_spec)
        ring = 2 * (first - vhost_id_base)
        conf['mirror'] = [{'core': workers[i % len(workers)],
                           'ports': ['ring:%d' % (ring + 2 * i),
                                     'ring:%d' % (ring + 2 * i + 1)]}
                          for i in range(num)]
    return conf


class Nic(object):
    """One spp_vf of the host as the agent drives it."""

    def __init__(self, index, vf):
        self.index = index
        self.sec_id = index + 1
        self.physnet = vf['physical_network']
        self.components = vf.get('components') or []
        self.classifier = self.merge = None
        for c in self.components:
            if c['type'] in ('classifier', 'classifier_mac'):
                self.classifier = c['name']
            elif c['type'] == 'merge':
                self.merge = c['name']
        # vhost id -> (classifier tx ring, merge rx ring)
        self.vhosts = {}
        to_vhost = {c['tx_port'][0]: c['rx_port'][0]
                    for c in self.components if c['type'] == 'forward'}
        from_vhost = {c['rx_port'][0]: c['tx_port'][0]
                      for c in self.components if c['type'] == 'forward'}
        for res, ring in to_vhost.items():
            if res.startswith('vhost:') and res in from_vhost:
                self.vhosts[int(res[6:])] = (ring, from_vhost[res])
        if not self.classifier or not self.merge or not self.vhosts:
            raise ConfigError('vf %d (%s): no classifier, merge or vhost '
                              'forwards in its components' %
                              (index, self.physnet))


def nics_of(conf):
    return [Nic(i, vf) for i, vf in enumerate(conf.get('vf', []))]


def mirrors_of(conf):
    """[(core, ring A, ring B)] of the configuration's "mirror" list; the
    mirror id is the index."""
    res = []
    for i, m in enumerate(conf.get('mirror') or []):
        ports = m.get('ports') or []
        if len(ports) != 2 or 'core' not in m:
            raise ConfigError('mirror %d: want a core and two rings' % i)
        res.append((int(m['core']), ports[0], ports[1]))
    return res


def publish(etcd, host, conf):
    """Write the configuration and create the missing vhost keys ("None"),
    never touching a vhost that a port holds. Returns the NICs."""
    nics = nics_of(conf)
    etcd.put(etcd_key.configuration(host), json.dumps(conf))
    for nic in nics:
        for v in nic.vhosts:
            etcd.create(etcd_key.vhost(host, nic.physnet, v), 'None')
    for i in range(len(mirrors_of(conf))):
        etcd.create(etcd_key.mirror(host, i), 'None')
    return nics


def main(argv=None):
    from networking_spp.common.etcd_client import EtcdClient
    p = argparse.ArgumentParser(
        description='Publish the SPP configuration of a compute node to '
                    'etcd (what the agent does with [spp] vf).')
    p.add_argument('--host', default=socket.gethostname())
    p.add_argument('--etcd-host', default='127.0.0.1')
    p.add_argument('--etcd-port', type=int, default=2379)
    p.add_argument('--vhost-id-base', type=int, default=0)
    p.add_argument('--mirror', default='',
                   help='NUM_COMPONENTS:CORE_MASK of spp_mirror (TaaS)')
    p.add_argument('--print', action='store_true',
                   help='print the JSON, write nothing')
    p.add_argument('vf', nargs='+',
                   help='PHYSNET:NUM_VHOST:CORE_MASK[:PCI], one per NIC')
    a = p.parse_args(argv)
    try:
        conf = build(a.vf, a.vhost_id_base, a.mirror)
    except ConfigError as e:
        p.error(str(e))
    if a.print:
        print(json.dumps(conf, indent=1))
        return 0
    publish(EtcdClient(a.etcd_host, a.etcd_port), a.host, conf)
    return 0


if __name__ == '__main__':
    sys.exit(main())
