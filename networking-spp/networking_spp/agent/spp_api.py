"""Client of spp-ctl's REST API (v1), the calls the agent makes.

Bodies use the strict forms (integers as JSON integers, a full vlan object
or none), which every spp-ctl version takes."""

import requests


class SppCtlError(Exception):
    def __init__(self, msg, status=None):
        super().__init__(msg)
        self.status = status


class SppCtl(object):

    def __init__(self, host, port, timeout=5.0):
        self.base = 'http://%s:%d/v1' % (host, port)
        self.timeout = timeout
        self.session = requests.Session()

    def _req(self, method, path, body=None):
        try:
            r = self.session.request(method, self.base + path, json=body,
                                     timeout=self.timeout)
        except requests.RequestException as e:
            raise SppCtlError('spp-ctl %s %s: %s' % (method, path, e))
        if r.status_code >= 300:
            raise SppCtlError('spp-ctl %s %s %s: %d %s' %
                              (method, path, body or '', r.status_code,
                               r.text.strip()), r.status_code)
        return r.json() if r.status_code == 200 and r.content else None

    def processes(self):
        return self._req('GET', '/processes')

    def vf_status(self, sec_id):
        return self._req('GET', '/vfs/%d' % sec_id)

    def mirror_status(self, sec_id):
        return self._req('GET', '/mirrors/%d' % sec_id)

    def start_component(self, sec_id, name, core, ctype, kind='vfs'):
        """kind 'vfs' (spp_vf) or 'mirrors' (spp_mirror)."""
        self._req('POST', '/%s/%d/components' % (kind, sec_id),
                  {'name': name, 'core': int(core), 'type': ctype})

    def stop_component(self, sec_id, name, kind='vfs'):
        self._req('DELETE', '/%s/%d/components/%s' % (kind, sec_id, name))

    def port(self, sec_id, comp, action, port, direction, vlan=None,
             kind='vfs'):
        """action attach|detach; vlan None or (operation, id, pcp)."""
        body = {'action': action, 'port': port, 'dir': direction}
        if vlan is not None:
            body['vlan'] = {'operation': vlan[0], 'id': int(vlan[1]),
                            'pcp': int(vlan[2])}
        self._req('PUT', '/%s/%d/components/%s/ports' % (kind, sec_id, comp),
                  body)

    def classifier(self, sec_id, action, mac, port, vlan_id=None):
        body = {'action': action, 'mac_address': mac, 'port': port}
        if vlan_id is None:
            body['type'] = 'mac'
        else:
            body['type'] = 'vlan'
            body['vlan'] = int(vlan_id)
        self._req('PUT', '/vfs/%d/classifier_table' % sec_id, body)
