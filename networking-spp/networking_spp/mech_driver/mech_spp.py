"""ML2 mechanism driver `spp`: binds ports on flat and VLAN segments of the
physical networks a host's SPP serves, to a vhost-user socket of spp_vf,
with the SPP agent of that host doing the wiring (through etcd)."""

import json
import time

from neutron.db import provisioning_blocks
from neutron_lib.api.definitions import portbindings
from neutron_lib.callbacks import resources
from neutron_lib import constants
from neutron_lib.plugins.ml2 import api
from oslo_config import cfg
from oslo_log import log as logging

from networking_spp.common import config  # noqa: F401
from networking_spp.common import etcd_client
from networking_spp.common import etcd_key

LOG = logging.getLogger(__name__)

AGENT_TYPE = 'SPP neutron agent'
DRIVER_NAME = 'spp'
VIF_TYPE = portbindings.VIF_TYPE_VHOST_USER


class SppMechanismDriver(api.MechanismDriver):

    # ML2 tries a failed binding up to 10 times in a row: after a port's
    # agent did not answer, its next tries wait this long only
    RETRY_WAIT = 1.0

    def __init__(self, etcd=None):
        super().__init__()
        self.etcd = etcd
        self._timed_out = {}    # port id -> monotonic time of a timeout

    def initialize(self):
        if self.etcd is None:
            self.etcd = etcd_client.EtcdClient(cfg.CONF.spp.etcd_host,
                                               cfg.CONF.spp.etcd_port)
        LOG.info('SPP mechanism driver: etcd %s:%s',
                 cfg.CONF.spp.etcd_host, cfg.CONF.spp.etcd_port)

    # -- helpers ----------------------------------------------------------
    def _host_physnets(self, host):
        if not host:
            return []
        val = self.etcd.get(etcd_key.configuration(host))
        if not val:
            return []
        try:
            return [vf['physical_network'] for vf in json.loads(val)['vf']]
        except (ValueError, KeyError, TypeError):
            LOG.error('bad SPP configuration for host %s: %r', host, val)
            return []

    @staticmethod
    def _agent_alive(context):
        return any(a.get('alive') for a in context.host_agents(AGENT_TYPE))

    def _vif_details(self, vhost_id):
        sock = '%s/sock%d' % (cfg.CONF.spp.vhost_socket_dir.rstrip('/'),
                              vhost_id)
        return {portbindings.CAP_PORT_FILTER: False,
                portbindings.VHOST_USER_MODE:
                    portbindings.VHOST_USER_MODE_SERVER,
                portbindings.VHOST_USER_SOCKET: sock}

    # -- provisioning block: ACTIVE only once the agent reports up ---------
    def _add_block(self, context):
        port = context.current
        if (not context.host or
                port['status'] == constants.PORT_STATUS_ACTIVE or
                port.get(portbindings.VNIC_TYPE,
                         portbindings.VNIC_NORMAL) !=
                portbindings.VNIC_NORMAL):
            return
        if not context.host_agents(AGENT_TYPE):
            return
        provisioning_blocks.add_provisioning_component(
            context._plugin_context, port['id'], resources.PORT,
            provisioning_blocks.L2_AGENT_ENTITY)

    def create_port_precommit(self, context):
        self._add_block(context)

    def update_port_precommit(self, context):
        if context.host != context.original_host:
            self._add_block(context)

    # -- binding ----------------------------------------------------------
    def bind_port(self, context):
        port = context.current
        if port.get(portbindings.VNIC_TYPE,
                    portbindings.VNIC_NORMAL) != portbindings.VNIC_NORMAL:
            return
        physnets = self._host_physnets(context.host)
        if not physnets:
            LOG.debug('host %s has no SPP configuration: port %s left to '
                      'other drivers', context.host, port['id'])
            return
        for seg in context.segments_to_bind:
            if (seg[api.NETWORK_TYPE] in (constants.TYPE_FLAT,
                                          constants.TYPE_VLAN) and
                    seg[api.PHYSICAL_NETWORK] in physnets):
                break
        else:
            LOG.debug('port %s: no flat/vlan segment on %s', port['id'],
                      physnets)
            return
        if not self._agent_alive(context):
            LOG.error('port %s not bound: the SPP agent on %s is not '
                      'alive', port['id'], context.host)
            return
        self._bind(context, seg)

    def _claim(self, host, physnet, port_id):
        prefix = etcd_key.vhost_prefix(host, physnet)
        items, _ = self.etcd.get_prefix(prefix)
        for key, val in sorted(items, key=lambda kv: int(
                kv[0][len(prefix):]) if kv[0][len(prefix):].isdigit()
                else -1):
            vid = key[len(prefix):]
            if val == port_id and vid.isdigit():
                return int(vid)
        for key, val in sorted(items, key=lambda kv: int(
                kv[0][len(prefix):]) if kv[0][len(prefix):].isdigit()
                else -1):
            vid = key[len(prefix):]
            if val == 'None' and vid.isdigit() and \
                    self.etcd.replace(key, 'None', port_id):
                return int(vid)
        return None

    def _bind(self, context, seg):
        port = context.current
        host = context.host
        port_id = port['id']
        physnet = seg[api.PHYSICAL_NETWORK]
        vlan = (seg[api.SEGMENTATION_ID]
                if seg[api.NETWORK_TYPE] == constants.TYPE_VLAN else None)
        rec = {'vhost_id': None, 'mac_address': port['mac_address']}
        if vlan is not None:
            rec['vlan_id'] = vlan
        old = self.etcd.get(etcd_key.bind_port(host, port_id))
        vid = self._claim(host, physnet, port_id)
        if vid is None:
            LOG.error('port %s not bound: no free vhost on host %s '
                      'physical network %s', port_id, host, physnet)
            return
        rec['vhost_id'] = vid
        if (old == json.dumps(rec) and
                self.etcd.get(etcd_key.action(host, port_id)) == 'plug' and
                self.etcd.get(etcd_key.port_status(host, port_id)) == 'up'):
            # bound again (a retry, an update): the agent has it already
            context.set_binding(seg[api.ID], VIF_TYPE,
                                self._vif_details(vid))
            return
        # an 'up' of an earlier plug must not count for this one
        self.etcd.delete(etcd_key.port_status(host, port_id))
        self.etcd.put(etcd_key.bind_port(host, port_id), json.dumps(rec))
        # watch for 'up' from the revision of our own 'plug': an agent
        # quicker than the watch cannot be missed
        rev = self.etcd.put(etcd_key.action(host, port_id), 'plug')
        timeout = self._timeout(port_id)
        if self._wait_up(host, port_id, rev, timeout):
            self._timed_out.pop(port_id, None)
            context.set_binding(seg[api.ID], VIF_TYPE,
                                self._vif_details(vid))
            LOG.info('port %s bound on %s to vhost %d (%s, vlan %s)',
                     port_id, host, vid, physnet, vlan)
            return
        self._timed_out[port_id] = time.monotonic()
        LOG.error('port %s not bound: the SPP agent on %s did not plug it '
                  'within %g s; vhost %d given back', port_id, host,
                  timeout, vid)
        self._release(host, physnet, port_id, vid)

    def _timeout(self, port_id):
        full = cfg.CONF.spp.wait_plug_timeout
        now = time.monotonic()
        for p, t in list(self._timed_out.items()):
            if now - t > 2 * full + 30:
                del self._timed_out[p]
        return self.RETRY_WAIT if port_id in self._timed_out else full

    def _wait_up(self, host, port_id, rev, timeout):
        key = etcd_key.port_status(host, port_id)
        deadline = time.monotonic() + timeout
        val, mrev, _ = self.etcd.get_rev(key)
        if val == 'up' and mrev >= rev:
            return True
        while time.monotonic() < deadline:
            try:
                for typ, _k, val, _r in self.etcd.watch(
                        key, start_revision=rev,
                        timeout=max(0.1, deadline - time.monotonic())):
                    if typ == 'PUT' and val == 'up':
                        return True
            except etcd_client.EtcdError as e:
                if time.monotonic() < deadline:
                    LOG.debug('watch of %s: %s', key, e)
                    time.sleep(0.2)
        return False

    def _release(self, host, physnet, port_id, vid):
        """Undo a claim the agent has not completed: the agent sees no
        plug for it any more and removes whatever it applied."""
        for key in (etcd_key.action(host, port_id),
                    etcd_key.bind_port(host, port_id),
                    etcd_key.port_status(host, port_id)):
            self.etcd.delete(key)
        self.etcd.replace(etcd_key.vhost(host, physnet, vid), port_id,
                          'None')

    # -- after commits ----------------------------------------------------
    def _bound_here(self, context, vif_type, host):
        return vif_type == VIF_TYPE and host and \
            self.etcd.get(etcd_key.bind_port(host, context.current['id']))

    def update_port_postcommit(self, context):
        port_id = context.current['id']
        if (context.original_host and
                context.original_host != context.host and
                self._bound_here(context, context.original_vif_type,
                                 context.original_host)):
            self._unplug(context.original_host, port_id)
        if (self._bound_here(context, context.vif_type, context.host) and
                (context.original_vif_type != VIF_TYPE or
                 context.original_host != context.host)):
            # the binding is committed: the agent may report the port up
            self.etcd.put(etcd_key.bound(context.host, port_id), 'bound')

    def delete_port_postcommit(self, context):
        try:
            if self._bound_here(context, context.vif_type, context.host):
                self._unplug(context.host, context.current['id'])
        except etcd_client.EtcdError as e:
            # the port is gone from Neutron whatever we do: say what is
            # left behind
            LOG.error('port %s deleted but not unplugged on %s (etcd: %s): '
                      'its vhost stays claimed until action/%s/%s is set '
                      'to unplug', context.current['id'], context.host, e,
                      context.host, context.current['id'])

    def _unplug(self, host, port_id):
        LOG.info('port %s: unplug on %s', port_id, host)
        self.etcd.put(etcd_key.action(host, port_id), 'unplug')
