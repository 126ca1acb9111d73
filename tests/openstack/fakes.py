# SPDX-License-Identifier: BSD-3-Clause
"""In-memory stand-ins for etcd and spp-ctl, with the behaviour the agent
and the driver rely on (revisions, compare-and-swap, spp_vf's rules)."""

import time

from networking_spp.agent.spp_api import SppCtlError
from networking_spp.common.etcd_client import EtcdError


class FakeEtcd(object):

    def __init__(self):
        self.kv = {}          # key -> (value, mod_revision)
        self.rev = 1
        self.history = []     # (rev, type, key, value)
        self.on_put = []      # callbacks (key, value) after each put
        self.down = False
        self.watches = []     # start revisions asked for

    def _check(self):
        if self.down:
            raise EtcdError('etcd down')

    def _write(self, typ, key, value=None):
        self.rev += 1
        if typ == 'PUT':
            self.kv[key] = (value, self.rev)
        else:
            del self.kv[key]
        self.history.append((self.rev, typ, key, value))

    def get(self, key):
        return self.get_rev(key)[0]

    def get_rev(self, key):
        self._check()
        v = self.kv.get(key)
        return (v[0], v[1], self.rev) if v else (None, 0, self.rev)

    def get_prefix(self, prefix):
        self._check()
        return sorted((k, v[0]) for k, v in self.kv.items()
                      if k.startswith(prefix)), self.rev

    def put(self, key, value):
        self._check()
        self._write('PUT', key, value)
        rev = self.rev
        for cb in list(self.on_put):
            cb(key, value)
        return rev

    def replace(self, key, old, new):
        self._check()
        if key in self.kv and self.kv[key][0] == old:
            self._write('PUT', key, new)
            return True
        return False

    def create(self, key, value):
        self._check()
        if key in self.kv:
            return False
        self._write('PUT', key, value)
        return True

    def delete(self, key):
        self._check()
        if key in self.kv:
            self._write('DELETE', key)
            return True
        return False

    def watch(self, key, start_revision=None, prefix=False, timeout=None):
        self._check()
        self.watches.append(start_revision)
        for rev, typ, k, v in list(self.history):
            if start_revision and rev < start_revision:
                continue
            if k == key or (prefix and k.startswith(key)):
                yield typ, k, v, rev
        time.sleep(min(timeout or 0.05, 0.05))
        raise EtcdError('stream ended')


def _vlan(v):
    if v is None:
        return {'operation': 'none', 'id': 0, 'pcp': 0}
    return {'operation': v[0], 'id': v[1], 'pcp': v[2]}


class FakeSppCtl(object):
    """One or more spp_vf processes as spp-ctl shows them."""

    def __init__(self, sec_ids=(1,), mirror_ids=()):
        self.vfs = {i: {'components': {}, 'table': []} for i in sec_ids}
        self.mirrors = {i: {'components': {}} for i in mirror_ids}
        self.calls = []
        self.down = False

    def restart(self, sec_id):
        self.vfs[sec_id] = {'components': {}, 'table': []}

    def _vf(self, sec_id, kind='vfs'):
        if self.down:
            raise SppCtlError('connection refused')
        procs = self.vfs if kind == 'vfs' else self.mirrors
        if sec_id not in procs:
            raise SppCtlError('no %s %d' % (kind, sec_id), 404)
        return procs[sec_id]

    def mirror_status(self, sec_id):
        st = self.vf_status(sec_id, 'mirrors')
        del st['classifier_table']
        return st

    def stop_component(self, sec_id, name, kind='vfs'):
        vf = self._vf(sec_id, kind)
        self.calls.append(('stop', sec_id, name))
        c = vf['components'].get(name)
        if c is None:
            raise SppCtlError('no component %s' % name, 404)
        if c['rx'] or c['tx']:
            raise SppCtlError('component %s has ports' % name, 400)
        del vf['components'][name]

    def vf_status(self, sec_id, kind='vfs'):
        vf = self._vf(sec_id, kind)
        comps = []
        for name, c in vf['components'].items():
            comps.append({'name': name, 'type': c['type'],
                          'core': c['core'],
                          'rx_port': [{'port': p, 'vlan': _vlan(v)}
                                      for p, v in c['rx']],
                          'tx_port': [{'port': p, 'vlan': _vlan(v)}
                                      for p, v in c['tx']]})
        return {'client-id': sec_id, 'components': comps,
                'classifier_table': [dict(e) for e in vf.get('table', [])]}

    def start_component(self, sec_id, name, core, ctype, kind='vfs'):
        vf = self._vf(sec_id, kind)
        self.calls.append(('start', sec_id, name))
        if name in vf['components']:
            raise SppCtlError('component %s exists' % name, 409)
        vf['components'][name] = {'type': ctype, 'core': core,
                                  'rx': [], 'tx': []}

    def port(self, sec_id, comp, action, port, direction, vlan=None,
             kind='vfs'):
        vf = self._vf(sec_id, kind)
        self.calls.append((action, sec_id, comp, port, direction, vlan))
        c = vf['components'].get(comp)
        if c is None:
            raise SppCtlError('no component %s' % comp, 404)
        lst = c[direction]
        have = [p for p, _ in lst]
        if action == 'attach':
            for other in vf['components'].values():
                if port in [p for p, _ in other[direction]]:
                    raise SppCtlError('%s already %s' % (port, direction),
                                      409)
            lst.append((port, vlan))
        else:
            if port not in have:
                raise SppCtlError('%s not attached' % port, 400)
            del lst[have.index(port)]

    def classifier(self, sec_id, action, mac, port, vlan_id=None):
        vf = self._vf(sec_id)
        self.calls.append(('cls_' + action, sec_id, mac, port, vlan_id))
        if vlan_id is None:
            e = {'type': 'mac', 'value': mac, 'port': port}
        else:
            e = {'type': 'vlan', 'value': '%d/%s' % (vlan_id, mac),
                 'port': port}
        if action == 'add':
            if e in vf['table']:
                raise SppCtlError('entry exists', 409)
            vf['table'].append(e)
        else:
            if e not in vf['table']:
                raise SppCtlError('no such entry', 400)
            vf['table'].remove(e)


class FakeNeutron(object):

    def __init__(self):
        self.up = []
        self.states = []
        self.fail = False

    def devices_up(self, ids):
        if self.fail:
            raise RuntimeError('rabbit down')
        self.up.append(list(ids))

    def report_state(self, state):
        self.states.append(state)
