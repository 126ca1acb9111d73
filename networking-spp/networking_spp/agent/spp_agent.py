"""The SPP agent: makes spp_vf's classifier table and VLAN operations
match what the ML2 driver asked for in etcd, reports the ports up to etcd
(for the driver) and to Neutron (for the port's status).

It is level-triggered: every etcd event, and a timer, run sync(), which
reads the whole wanted state from etcd and spp_vf's real state from
spp-ctl and applies only the difference. So nothing is applied twice, an
event missed while etcd or the agent was down is caught up by the next
sync, and a restarted spp_vf (or spp-ctl) is wired again."""

import json
import threading
import time

from oslo_log import log as logging

from networking_spp.agent.spp_api import SppCtlError
from networking_spp.agent import taas
from networking_spp.common import etcd_client
from networking_spp.common import etcd_key
from networking_spp.common import host_config

LOG = logging.getLogger(__name__)

AGENT_TYPE = 'SPP neutron agent'
BINARY = 'neutron-spp-agent'
NO_VLAN = ('none', 0, 0)


def _vlan_of(entry):
    v = entry.get('vlan') or {}
    op = v.get('operation', 'none')
    if op == 'add':
        return ('add', int(v.get('id', 0)), int(v.get('pcp', 0)))
    if op == 'del':
        return ('del', 0, 0)
    return NO_VLAN


def _suffix(items, prefix):
    return {k[len(prefix):]: v for k, v in items}


class SppAgent(object):

    def __init__(self, host, etcd, api, vf_specs=(), neutron=None,
                 resync_interval=2.0, watch_timeout=30.0, vhost_id_base=0,
                 mirror_spec='', mirror_client_id=0):
        self.mirror_spec = mirror_spec
        self.mirror_client_id = mirror_client_id
        self.mirrors = []      # mirror id -> (core, ring A, ring B)
        self.mirror_sec = None
        self.taps = {}         # tap flow id -> Tap, as last synced
        self.vhost_id_base = vhost_id_base
        self.host = host
        self.etcd = etcd
        self.api = api
        self.vf_specs = list(vf_specs)
        self.neutron = neutron  # report_state(state), devices_up(ids)
        self.resync_interval = resync_interval
        self.watch_timeout = watch_timeout
        self.nics = []
        self.reported = set()
        self.plugged = {}      # port id -> vhost id, as last synced
        self.vhost_use = {}    # physnet -> {'total': n, 'free': n}
        self.rev = None        # last etcd revision the watch handled
        self.mirror_use = {}
        self.kick = threading.Event()
        self.stopping = threading.Event()
        self.start_flag = True

    # -- configuration ----------------------------------------------------
    def load_config(self):
        if self.vf_specs:
            conf = host_config.build(self.vf_specs, self.vhost_id_base,
                                     self.mirror_spec)
            self.nics = host_config.publish(self.etcd, self.host, conf)
            self._set_mirrors(conf)
            LOG.info('published the configuration of %s: %d NIC(s), %d '
                     'mirror component(s)', self.host, len(self.nics),
                     len(self.mirrors))
            return
        val = self.etcd.get(etcd_key.configuration(self.host))
        conf = json.loads(val) if val else {}
        self.nics = host_config.nics_of(conf)
        self._set_mirrors(conf)
        if not self.nics:
            LOG.warning('no SPP configuration for host %s in etcd',
                        self.host)

    def _set_mirrors(self, conf):
        self.mirrors = host_config.mirrors_of(conf)
        self.mirror_sec = self.mirror_client_id or len(self.nics) + 1

    def nic_of(self, vhost_id):
        for nic in self.nics:
            if vhost_id in nic.vhosts:
                return nic
        return None

    # -- the wanted state -------------------------------------------------
    def wanted(self):
        """(vhost id -> (port id, mac, vlan id or None), actions, bound,
        statuses, bind records) from etcd."""
        h = self.host
        binds = _suffix(self.etcd.get_prefix(
            etcd_key.bind_port_prefix(h))[0], etcd_key.bind_port_prefix(h))
        actions = _suffix(self.etcd.get_prefix(
            etcd_key.action_prefix(h))[0], etcd_key.action_prefix(h))
        bound = _suffix(self.etcd.get_prefix(
            etcd_key.bound_prefix(h))[0], etcd_key.bound_prefix(h))
        statuses = _suffix(self.etcd.get_prefix(
            etcd_key.port_status_prefix(h))[0],
            etcd_key.port_status_prefix(h))
        owners = _suffix(self.etcd.get_prefix(
            etcd_key.vhost_prefix(h))[0], etcd_key.vhost_prefix(h))
        self._count(owners)
        records = {}
        want = {}
        for port_id, data in binds.items():
            try:
                rec = json.loads(data)
                vid = int(rec['vhost_id'])
                mac = rec['mac_address'].lower()
                vlan = rec.get('vlan_id')
                vlan = int(vlan) if vlan is not None else None
            except (ValueError, KeyError, TypeError):
                LOG.error('bad bind_port record of port %s: %r', port_id,
                          data)
                continue
            records[port_id] = vid
            if actions.get(port_id) != 'plug':
                continue
            nic = self.nic_of(vid)
            if nic is None:
                LOG.error('port %s: vhost %d is not served by this host',
                          port_id, vid)
                continue
            if owners.get('%s/%d' % (nic.physnet, vid)) != port_id:
                LOG.error('port %s: vhost %d is not claimed by it in etcd',
                          port_id, vid)
                continue
            if vid in want:
                LOG.error('ports %s and %s both on vhost %d', want[vid][0],
                          port_id, vid)
                continue
            want[vid] = (port_id, mac, vlan)
        return want, actions, bound, statuses, records

    def _count(self, owners):
        self.vhost_use = {}
        for key, val in owners.items():
            physnet = key.rsplit('/', 1)[0]
            use = self.vhost_use.setdefault(physnet, {'total': 0, 'free': 0})
            use['total'] += 1
            use['free'] += val == 'None'

    # -- spp_vf -----------------------------------------------------------
    def _vlan_want(self, nic, comp, d, port, want):
        for vid, (cls_ring, mg_ring) in nic.vhosts.items():
            w = want.get(vid)
            if w is None or w[2] is None:
                continue
            if comp == nic.classifier and d == 'tx' and port == cls_ring:
                return ('del', 0, 0)
            if comp == nic.merge and d == 'rx' and port == mg_ring:
                return ('add', w[2], 0)
        return NO_VLAN

    def _set_vlan(self, nic, comp, d, port, cur, new):
        if cur == new:
            return
        LOG.info('vf %d: %s %s of %s: vlan %s -> %s', nic.sec_id, port, d,
                 comp, cur, new)
        self.api.port(nic.sec_id, comp, 'detach', port, d)
        self.api.port(nic.sec_id, comp, 'attach', port, d,
                      None if new == NO_VLAN else new)

    def _apply(self, nic, st, want):
        comps = {c.get('name'): c for c in st.get('components', [])}
        cls_tx = {p['port']: _vlan_of(p)
                  for p in comps[nic.classifier].get('tx_port', [])}
        mg_rx = {p['port']: _vlan_of(p)
                 for p in comps[nic.merge].get('rx_port', [])}
        table = st.get('classifier_table') or []
        for vid, (cls_ring, mg_ring) in sorted(nic.vhosts.items()):
            w = want.get(vid)
            vlan = w[2] if w else None
            self._set_vlan(nic, nic.classifier, 'tx', cls_ring,
                           cls_tx.get(cls_ring),
                           NO_VLAN if vlan is None else ('del', 0, 0))
            self._set_vlan(nic, nic.merge, 'rx', mg_ring,
                           mg_rx.get(mg_ring),
                           NO_VLAN if vlan is None else ('add', vlan, 0))
            entries = set()
            for e in table:
                if e.get('port') == cls_ring:
                    entries.add((e['type'], e['value'].lower()))
            wanted = set()
            if w and vlan is None:
                wanted.add(('mac', w[1]))
            elif w:
                wanted.add(('vlan', '%d/%s' % (vlan, w[1])))
            for typ, val in sorted(entries - wanted):
                LOG.info('vf %d: classifier del %s %s %s', nic.sec_id, typ,
                         val, cls_ring)
                self._classifier(nic, 'del', typ, val, cls_ring)
            for typ, val in sorted(wanted - entries):
                LOG.info('vf %d: classifier add %s %s %s (port %s)',
                         nic.sec_id, typ, val, cls_ring, w[0])
                self._classifier(nic, 'add', typ, val, cls_ring)

    def _op(self, kind, sec, nic, op, want):
        LOG.info('%s %d: %s', kind[:-1], sec, ' '.join(
            str(x['name'] if isinstance(x, dict) else x) for x in op))
        if op[0] == 'stop':
            self.api.stop_component(sec, op[1], kind=kind)
        elif op[0] == 'detach':
            self.api.port(sec, op[1], 'detach', op[2], op[3], kind=kind)
        elif op[0] == 'start':
            w = op[1]
            self.api.start_component(sec, w['name'], w['core'], w['type'],
                                     kind=kind)
        else:
            vlan = NO_VLAN if nic is None else \
                self._vlan_want(nic, op[1], op[3], op[2], want)
            self.api.port(sec, op[1], 'attach', op[2], op[3],
                          None if vlan == NO_VLAN else vlan, kind=kind)

    # -- TaaS -------------------------------------------------------------
    def wanted_taps(self, want):
        """(flow id -> Tap to apply, tap actions, tap statuses, flow id ->
        its mirror ids) from etcd."""
        h = self.host
        infos = _suffix(self.etcd.get_prefix(
            etcd_key.tap_info_prefix(h))[0], etcd_key.tap_info_prefix(h))
        actions = _suffix(self.etcd.get_prefix(
            etcd_key.tap_action_prefix(h))[0], etcd_key.tap_action_prefix(h))
        statuses = _suffix(self.etcd.get_prefix(
            etcd_key.tap_status_prefix(h))[0], etcd_key.tap_status_prefix(h))
        owners = _suffix(self.etcd.get_prefix(
            etcd_key.mirror_prefix(h))[0], etcd_key.mirror_prefix(h))
        self.mirror_use = {'total': len(owners), 'free': sum(
            v == 'None' for v in owners.values())}
        vid_of = {w[0]: vid for vid, w in want.items()}
        taps, mirrors, used = {}, {}, set()
        for flow, data in sorted(infos.items()):
            try:
                svc, src, mi, mo = taas.parse_info(data)
            except ValueError as e:
                LOG.error('bad tap_info of tap flow %s (%s): %r', flow, e,
                          data)
                continue
            mirrors[flow] = [m for m in (mi, mo) if m is not None]
            if actions.get(flow) != 'plug':
                continue
            if svc not in vid_of or src not in vid_of:
                LOG.info('tap flow %s: waiting for its ports to be plugged',
                         flow)
                continue
            bad = [m for m in mirrors[flow] if m >= len(self.mirrors) or
                   owners.get(str(m)) != flow]
            if bad:
                LOG.error('tap flow %s: mirror(s) %s not claimed by it or '
                          'not configured', flow, bad)
                continue
            dirs = {(src, d) for d, m in (('in', mi), ('out', mo))
                    if m is not None}
            if dirs & used:
                LOG.error('tap flow %s: port %s already mirrored in that '
                          'direction', flow, src)
                continue
            used |= dirs
            taps[flow] = taas.Tap(flow, vid_of[svc], vid_of[src], mi, mo)
        return taps, actions, statuses, mirrors

    def _tap_keys(self, active, actions, statuses, mirrors, done,
                  mirror_ok):
        h = self.host
        for flow, t in active.items():
            if (mirror_ok and self.nic_of(t.source_vid).sec_id in done and
                    self.nic_of(t.service_vid).sec_id in done and
                    statuses.get(flow) != 'up'):
                LOG.info('tap flow %s: vhost %d mirrored to vhost %d '
                         '(mirrors %s)', flow, t.source_vid, t.service_vid,
                         t.mirror_ids())
                self.etcd.put(etcd_key.tap_status(h, flow), 'up')
        # unplugged once every spp_vf is back to its wiring without it
        all_vf = len(done) == len(self.nics)
        for flow, act in actions.items():
            if act != 'unplug' or not all_vf:
                continue
            for m in mirrors.get(flow, []):
                self.etcd.replace(etcd_key.mirror(h, m), flow, 'None')
            for key in (etcd_key.tap_info(h, flow),
                        etcd_key.tap_status(h, flow),
                        etcd_key.tap_action(h, flow)):
                self.etcd.delete(key)
            LOG.info('tap flow %s unplugged, mirror(s) %s free', flow,
                     mirrors.get(flow, []))
        self.taps = {f: t for f, t in active.items()
                     if actions.get(f) == 'plug'}

    def _classifier(self, nic, action, typ, val, ring):
        if typ == 'vlan':
            vid, mac = val.split('/', 1)
            self.api.classifier(nic.sec_id, action, mac, ring, int(vid))
        else:
            self.api.classifier(nic.sec_id, action, val, ring)

    # -- one pass ---------------------------------------------------------
    def sync(self):
        """Make every spp_vf match etcd, then tell etcd and Neutron what is
        done. Returns True if every NIC was reachable."""
        want, actions, bound, statuses, records = self.wanted()
        taps, tap_actions, tap_statuses, tap_mirrors = self.wanted_taps(want)
        sts = {}
        for nic in self.nics:
            try:
                sts[nic.sec_id] = self.api.vf_status(nic.sec_id)
            except SppCtlError as e:
                LOG.warning('vf %d not synced: %s', nic.sec_id, e)
        mst = None
        if self.mirrors:
            try:
                mst = self.api.mirror_status(self.mirror_sec)
            except SppCtlError as e:
                if taps or tap_actions:
                    LOG.warning('mirror %d unreachable, tap flows not '
                                'applied: %s', self.mirror_sec, e)
        # a tap applies only with every process on its path reachable:
        # never send a source VM's frames to a mirror that is not there
        active = {} if mst is None else {
            f: t for f, t in taps.items()
            if self.nic_of(t.source_vid).sec_id in sts and
            self.nic_of(t.service_vid).sec_id in sts}
        plans = []
        for nic in self.nics:
            if nic.sec_id in sts:
                plans.append(('vfs', nic.sec_id, nic) + taas.plan(
                    sts[nic.sec_id],
                    taas.vf_layout(nic, active.values(), self.mirrors)))
        if mst is not None:
            plans.append(('mirrors', self.mirror_sec, None) + taas.plan(
                mst, taas.mirror_layout(self.nic_of, active.values(),
                                        self.mirrors)))
        # every removal (of every process) before any addition: a ring is
        # read by one component at a time, also across processes
        failed = set()
        for phase in (3, 4):
            for p in plans:
                if (p[0], p[1]) in failed:
                    continue
                try:
                    for op in p[phase]:
                        self._op(p[0], p[1], p[2], op, want)
                except SppCtlError as e:
                    LOG.warning('%s %d not synced: %s', p[0][:-1], p[1], e)
                    failed.add((p[0], p[1]))
        done = set()
        for p in plans:
            if p[0] != 'vfs' or (p[0], p[1]) in failed:
                continue
            nic = p[2]
            try:
                st = sts[nic.sec_id]
                if p[3] or p[4]:
                    st = self.api.vf_status(nic.sec_id)
                self._apply(nic, st, want)
                done.add(nic.sec_id)
            except SppCtlError as e:
                LOG.warning('vf %d not synced: %s', nic.sec_id, e)
        mirror_ok = mst is not None and \
            ('mirrors', self.mirror_sec) not in failed
        self._tap_keys(active, tap_actions, tap_statuses, tap_mirrors,
                       done, mirror_ok)
        h = self.host
        plugged = {}
        for vid, (port_id, _mac, _vlan) in want.items():
            if self.nic_of(vid).sec_id not in done:
                continue
            plugged[port_id] = vid
            if statuses.get(port_id) != 'up':
                LOG.info('port %s plugged on vhost %d', port_id, vid)
                self.etcd.put(etcd_key.port_status(h, port_id), 'up')
        freed = False
        for port_id, act in actions.items():
            if act != 'unplug':
                continue
            vid = records.get(port_id)
            nic = self.nic_of(vid) if vid is not None else None
            if nic is not None and nic.sec_id not in done:
                continue
            if nic is not None:
                self.etcd.replace(etcd_key.vhost(h, nic.physnet, vid),
                                  port_id, 'None')
            for key in (etcd_key.bind_port(h, port_id),
                        etcd_key.port_status(h, port_id),
                        etcd_key.bound(h, port_id),
                        etcd_key.action(h, port_id)):
                self.etcd.delete(key)
            LOG.info('port %s unplugged, vhost %s free', port_id, vid)
            freed = True
        # an 'up' (or 'bound') of a port without any record: written just
        # after the driver gave the binding up; nobody else removes it
        for port_id in (set(statuses) | set(bound)) - set(records) - \
                set(actions):
            LOG.info('port %s: stale status keys removed', port_id)
            self.etcd.delete(etcd_key.port_status(h, port_id))
            self.etcd.delete(etcd_key.bound(h, port_id))
        if freed:
            prefix = etcd_key.vhost_prefix(h)
            self._count(_suffix(self.etcd.get_prefix(prefix)[0], prefix))
        self.plugged = plugged
        up = sorted(p for p in plugged if p in bound and
                    p not in self.reported)
        if up and self.neutron is not None:
            try:
                self.neutron.devices_up(up)
                self.reported.update(up)
            except Exception as e:  # Neutron down: try again next pass
                LOG.warning('reporting %s up failed: %s', up, e)
        # forget only ports no longer wanted: a port on an spp_vf that is
        # away for a moment is not reported again when it is back
        self.reported &= {w[0] for w in want.values()}
        return len(done) == len(self.nics)

    # -- the loops --------------------------------------------------------
    def state(self):
        st = {'binary': BINARY, 'host': self.host, 'topic': 'N/A',
              'agent_type': AGENT_TYPE,
              'configurations': {
                  'physical_networks': sorted({n.physnet
                                               for n in self.nics}),
                  'vhosts': self.vhost_use,
                  'mirrors': self.mirror_use,
                  'tap_flows': len(self.taps),
                  'devices': len(self.plugged)}}
        if self.start_flag:
            st['start_flag'] = True
        return st

    def report(self):
        if self.neutron is None:
            return
        try:
            self.neutron.report_state(self.state())
            self.start_flag = False
        except Exception as e:
            LOG.warning('state report failed: %s', e)

    def _relevant(self, key):
        h = self.host
        return (key == etcd_key.configuration(h) or any(
            key.startswith(p) for p in (
                etcd_key.action_prefix(h), etcd_key.bound_prefix(h),
                etcd_key.bind_port_prefix(h), etcd_key.vhost_prefix(h),
                etcd_key.tap_info_prefix(h), etcd_key.tap_action_prefix(h),
                etcd_key.mirror_prefix(h))))

    def watch_once(self):
        """One watch of /spp/openstack/ from the revision after the last
        one handled, until it breaks (raises)."""
        if self.rev is None:
            self.rev = self.etcd.get_prefix(etcd_key.action_prefix(
                self.host))[1]
            self.kick.set()
        for _typ, key, _val, rev in self.etcd.watch(
                etcd_key.ROOT, start_revision=self.rev + 1, prefix=True,
                timeout=self.watch_timeout):
            self.rev = max(self.rev, rev)
            if key == etcd_key.configuration(self.host) and \
                    not self.vf_specs:
                self.reload = True
            if self._relevant(key):
                self.kick.set()
            if self.stopping.is_set():
                return

    def watch_loop(self):
        while not self.stopping.is_set():
            try:
                self.watch_once()
            except etcd_client.Compacted as e:
                LOG.warning('etcd watch: %s; full resync', e)
                self.rev = None
            except etcd_client.EtcdError as e:
                if 'timed out' not in str(e) and 'Read timed out' not in \
                        str(e):
                    LOG.warning('etcd watch broke (%s); resuming from '
                                'revision %s', e, self.rev)
                    self.stopping.wait(1.0)
                self.kick.set()

    reload = False

    def work_loop(self):
        while not self.stopping.is_set():
            self.kick.wait(self.resync_interval)
            self.kick.clear()
            if self.stopping.is_set():
                break
            try:
                if self.reload or not self.nics:
                    self.reload = False
                    self.load_config()
                self.sync()
            except etcd_client.EtcdError as e:
                LOG.warning('etcd unreachable: %s', e)
            except Exception:
                LOG.exception('sync failed')

    def report_loop(self, interval):
        while not self.stopping.is_set():
            self.report()
            self.stopping.wait(interval)

    def start(self, report_interval):
        while not self.stopping.is_set():
            try:
                self.load_config()
                break
            except etcd_client.EtcdError as e:
                LOG.warning('etcd unreachable, retrying: %s', e)
                time.sleep(1.0)
        threads = [threading.Thread(target=f, args=a, daemon=True)
                   for f, a in ((self.watch_loop, ()), (self.work_loop, ()),
                                (self.report_loop, (report_interval,)))]
        for t in threads:
            t.start()
        return threads

    def stop(self):
        self.stopping.set()
        self.kick.set()
