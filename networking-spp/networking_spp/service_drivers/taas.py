"""TaaS service driver `SppTaasDriver` (tap-as-a-service's
TAAS:SPP:networking_spp.service_drivers.taas.SppTaasDriver:default): a tap
service on an SPP-bound port (the monitor VM's) and tap flows from other
SPP-bound ports of the same host, mirrored by spp_mirror. The driver
checks the request, claims one free spp_mirror component per direction
(etcd mirror/<host>/<id>), writes tap_info and tap_action `plug`, and
waits for the agent's tap_status `up`; deleting writes `unplug` and the
agent gives the mirrors back once the wiring is undone."""

import json
import time

from neutron_lib import exceptions as n_exc
from neutron_taas.db import taas_db
from neutron_taas.services.taas import service_drivers
from oslo_config import cfg
from oslo_log import log as logging

from networking_spp.common import config  # noqa: F401
from networking_spp.common import etcd_client
from networking_spp.common import etcd_key
from networking_spp.common import host_config

LOG = logging.getLogger(__name__)

ACTIVE = 'ACTIVE'


class PortNotBoundBySpp(n_exc.BadRequest):
    message = ('Port %(port)s is not bound by SPP (networking-spp) on a '
               'host: TaaS with SPP mirrors SPP ports only')


class PortsOnOtherHosts(n_exc.BadRequest):
    message = ('Source port %(source)s is on host %(source_host)s, the tap '
               'service\'s port %(service)s on host %(service_host)s: SPP '
               'mirrors between ports of one host only')


class SamePort(n_exc.BadRequest):
    message = 'Port %(port)s is both the tap service\'s port and the source'


class NoMirrorOnHost(n_exc.Conflict):
    message = ('Host %(host)s has no spp_mirror configured for TaaS '
               '([spp] mirror of its SPP agent)')


class NoFreeMirror(n_exc.Conflict):
    message = ('No free spp_mirror component on host %(host)s: the tap flow '
               'needs %(need)d (one per direction), %(free)d free')


class DirectionMirrored(n_exc.Conflict):
    message = ('Port %(port)s is already mirrored in direction '
               '%(direction)s by tap flow %(flow)s')


class TapFlowNotWired(n_exc.ServiceUnavailable):
    message = ('The SPP agent of host %(host)s did not wire tap flow '
               '%(flow)s within %(timeout)d s')


def _dirs(direction):
    return {'IN': ('in',), 'OUT': ('out',), 'BOTH': ('in', 'out')}[
        direction]


class SppTaasDriver(service_drivers.TaasBaseDriver):

    POLL = 0.1

    def __init__(self, service_plugin, etcd=None):
        super().__init__(service_plugin)
        self.etcd = etcd or etcd_client.EtcdClient(cfg.CONF.spp.etcd_host,
                                                   cfg.CONF.spp.etcd_port)
        LOG.info('SPP TaaS driver: etcd %s:%s', cfg.CONF.spp.etcd_host,
                 cfg.CONF.spp.etcd_port)

    # -- helpers ----------------------------------------------------------
    def _spp_host(self, context, port_id):
        """The host an SPP-bound port is on, or PortNotBoundBySpp."""
        try:
            port = self.service_plugin.get_port_details(
                context._plugin_context, port_id)
        except n_exc.PortNotFound:
            raise PortNotBoundBySpp(port=port_id)
        host = port.get('binding:host_id')
        if not host or port.get('binding:vif_type') != 'vhostuser' or \
                self.etcd.get(etcd_key.bind_port(host, port_id)) is None:
            raise PortNotBoundBySpp(port=port_id)
        return host

    def _flows_on(self, host):
        """[(flow id, tap_info dict)] of the host."""
        prefix = etcd_key.tap_info_prefix(host)
        res = []
        for key, val in self.etcd.get_prefix(prefix)[0]:
            try:
                res.append((key[len(prefix):], json.loads(val)))
            except ValueError:
                LOG.error('bad tap_info %s: %r', key, val)
        return res

    def _check_flow(self, context):
        tf = context.tap_flow
        ts = self.service_plugin.get_tap_service(
            context._plugin_context, tf['tap_service_id'])
        if ts['port_id'] == tf['source_port']:
            raise SamePort(port=tf['source_port'])
        service_host = self._spp_host(context, ts['port_id'])
        host = self._spp_host(context, tf['source_port'])
        if host != service_host:
            raise PortsOnOtherHosts(source=tf['source_port'],
                                    source_host=host,
                                    service=ts['port_id'],
                                    service_host=service_host)
        conf = self.etcd.get(etcd_key.configuration(host))
        try:
            mirrors = host_config.mirrors_of(json.loads(conf or '{}'))
        except (ValueError, host_config.ConfigError):
            mirrors = []
        if not mirrors:
            raise NoMirrorOnHost(host=host)
        for flow, info in self._flows_on(host):
            if flow == tf['id'] or info.get('source_port') != \
                    tf['source_port']:
                continue
            for d in _dirs(tf['direction']):
                if info.get('mirror_' + d) is not None:
                    raise DirectionMirrored(port=tf['source_port'],
                                            direction=d.upper(), flow=flow)
        return host, ts['port_id']

    def _claim(self, host, flow_id, need):
        """Claim `need` free mirror ids (compare-and-swap), or give back
        what was claimed and raise NoFreeMirror."""
        prefix = etcd_key.mirror_prefix(host)
        items = self.etcd.get_prefix(prefix)[0]
        free = sorted(int(k[len(prefix):]) for k, v in items if v == 'None')
        got = []
        for m in free:
            if len(got) == need:
                break
            if self.etcd.replace(etcd_key.mirror(host, m), 'None', flow_id):
                got.append(m)
        if len(got) < need:
            self._release(host, flow_id, got)
            raise NoFreeMirror(host=host, need=need, free=len(free))
        return got

    def _release(self, host, flow_id, mirrors):
        for m in mirrors:
            self.etcd.replace(etcd_key.mirror(host, m), flow_id, 'None')

    def _forget(self, host, flow_id):
        for key in (etcd_key.tap_info(host, flow_id),
                    etcd_key.tap_action(host, flow_id),
                    etcd_key.tap_status(host, flow_id)):
            self.etcd.delete(key)

    def _wait(self, cond, timeout):
        deadline = time.monotonic() + timeout
        while True:
            if cond():
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(self.POLL)

    def _host_of_flow(self, flow_id):
        """The host whose tap_info holds flow_id (None if none)."""
        items = self.etcd.get_prefix(etcd_key.ROOT + 'tap_info/')[0]
        for key, _val in items:
            host, _, fid = key[len(etcd_key.ROOT + 'tap_info/'):] \
                .rpartition('/')
            if fid == flow_id:
                return host
        return None

    def _unplug(self, flow_id):
        host = self._host_of_flow(flow_id)
        if host is None:
            return
        self.etcd.put(etcd_key.tap_action(host, flow_id), 'unplug')
        if not self._wait(lambda: self.etcd.get(
                etcd_key.tap_action(host, flow_id)) is None,
                cfg.CONF.spp.wait_tap_timeout):
            LOG.warning('tap flow %s: the agent of %s has not unwired it '
                        'yet (it will when it is back)', flow_id, host)

    # -- tap services -----------------------------------------------------
    def create_tap_service_precommit(self, context):
        self._spp_host(context, context.tap_service['port_id'])

    def create_tap_service_postcommit(self, context):
        ts = context.tap_service
        self.service_plugin.update_tap_service(
            context._plugin_context, ts['id'],
            {'tap_service': {'status': ACTIVE}})

    def delete_tap_service_precommit(self, context):
        # an ACTIVE tap service: the plugin leaves the row to the driver
        # (its flows are deleted already)
        taas_db.Taas_db_Mixin.delete_tap_service(
            self.service_plugin, context._plugin_context,
            context.tap_service['id'])

    def delete_tap_service_postcommit(self, context):
        pass

    # -- tap flows --------------------------------------------------------
    def create_tap_flow_precommit(self, context):
        self._check_flow(context)

    def create_tap_flow_postcommit(self, context):
        tf = context.tap_flow
        host, service_port = self._check_flow(context)
        dirs = _dirs(tf['direction'])
        got = self._claim(host, tf['id'], len(dirs))
        mirror = dict(zip(dirs, got))
        info = {'service_port': service_port,
                'source_port': tf['source_port'],
                'mirror_in': mirror.get('in'),
                'mirror_out': mirror.get('out')}
        self.etcd.put(etcd_key.tap_info(host, tf['id']), json.dumps(info))
        self.etcd.put(etcd_key.tap_action(host, tf['id']), 'plug')
        timeout = cfg.CONF.spp.wait_tap_timeout
        if not self._wait(lambda: self.etcd.get(
                etcd_key.tap_status(host, tf['id'])) == 'up', timeout):
            LOG.error('tap flow %s: no tap_status up from the agent of %s '
                      'in %d s; given up', tf['id'], host, timeout)
            # without tap_info the agent undoes whatever it did
            self._forget(host, tf['id'])
            self._release(host, tf['id'], got)
            raise TapFlowNotWired(host=host, flow=tf['id'], timeout=timeout)
        LOG.info('tap flow %s: %s of port %s mirrored to port %s on %s '
                 '(spp_mirror components %s)', tf['id'], tf['direction'],
                 tf['source_port'], service_port, host, got)
        self.service_plugin.update_tap_flow(
            context._plugin_context, tf['id'],
            {'tap_flow': {'status': ACTIVE}})

    def delete_tap_flow_precommit(self, context):
        # an ACTIVE flow: the plugin leaves the row to the driver
        fid = context.tap_flow['id']
        self._unplug(fid)
        taas_db.Taas_db_Mixin.delete_tap_flow(
            self.service_plugin, context._plugin_context, fid)

    def delete_tap_flow_postcommit(self, context):
        self._unplug(context.tap_flow['id'])
