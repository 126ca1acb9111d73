"""A small etcd v3 client over etcd's HTTP gateway, on Debian's etcd3gw.

etcd3gw 2.0 as packaged needs api_path='/v3/' for etcd 3.4 and gives bytes;
its watch runs in a thread pool and silently ends when the connection
drops. This client decodes to str, returns revisions, and has a watch that
raises when its stream ends, so that callers resume from the last revision
they handled."""

import base64
import json

from etcd3gw.client import Etcd3Client
from etcd3gw import exceptions as etcd_exc
import requests


class EtcdError(Exception):
    """etcd unreachable or a request failed."""


class Compacted(EtcdError):
    """A watch asked for a revision that etcd has compacted away."""


def _enc(s):
    return base64.b64encode(s.encode()).decode()


def _dec(s):
    return base64.b64decode(s).decode() if s is not None else None


def _prefix_end(prefix):
    b = bytearray(prefix.encode())
    b[-1] += 1
    return bytes(b).decode()


class EtcdClient(object):

    def __init__(self, host, port, timeout=5.0):
        self.timeout = timeout
        self._c = Etcd3Client(host, port, api_path='/v3/')

    def _post(self, path, body, timeout=None):
        try:
            return self._c.post(self._c.get_url(path), json=body,
                                timeout=timeout or self.timeout)
        except (etcd_exc.Etcd3Exception, requests.RequestException) as e:
            raise EtcdError('etcd %s: %s' % (path, e))

    # -- reads ------------------------------------------------------------
    def get(self, key):
        """The value of key, or None."""
        return self.get_rev(key)[0]

    def get_rev(self, key):
        """(value or None, mod_revision or 0, store revision)"""
        r = self._post('/kv/range', {'key': _enc(key)})
        kvs = r.get('kvs') or []
        rev = int(r['header']['revision'])
        if not kvs:
            return None, 0, rev
        return _dec(kvs[0].get('value', '')), int(kvs[0]['mod_revision']), rev

    def get_prefix(self, prefix):
        """([(key, value)] sorted by key, store revision)"""
        r = self._post('/kv/range', {'key': _enc(prefix),
                                     'range_end': _enc(_prefix_end(prefix))})
        items = sorted((_dec(kv['key']), _dec(kv.get('value', '')))
                       for kv in r.get('kvs') or [])
        return items, int(r['header']['revision'])

    # -- writes -----------------------------------------------------------
    def put(self, key, value):
        """Returns the revision of the write."""
        r = self._post('/kv/put', {'key': _enc(key), 'value': _enc(value)})
        return int(r['header']['revision'])

    def _txn(self, compare, success):
        r = self._post('/kv/txn', {'compare': [compare],
                                   'success': success, 'failure': []})
        return bool(r.get('succeeded'))

    def replace(self, key, old, new):
        """Compare-and-swap: True if key held old and now holds new."""
        return self._txn({'key': _enc(key), 'result': 'EQUAL',
                          'target': 'VALUE', 'value': _enc(old)},
                         [{'request_put': {'key': _enc(key),
                                           'value': _enc(new)}}])

    def create(self, key, value):
        """Put only if key does not exist. True if written."""
        return self._txn({'key': _enc(key), 'result': 'EQUAL',
                          'target': 'CREATE', 'create_revision': '0'},
                         [{'request_put': {'key': _enc(key),
                                           'value': _enc(value)}}])

    def delete(self, key):
        r = self._post('/kv/deleterange', {'key': _enc(key)})
        return int(r.get('deleted', 0)) > 0

    def delete_prefix(self, prefix):
        r = self._post('/kv/deleterange',
                       {'key': _enc(prefix),
                        'range_end': _enc(_prefix_end(prefix))})
        return int(r.get('deleted', 0))

    # -- watch ------------------------------------------------------------
    def watch(self, key, start_revision=None, prefix=False, timeout=None):
        """Yield (type, key, value, mod_revision) for each change of key
        (or of every key under it with prefix=True), from start_revision
        on. type is 'PUT' or 'DELETE' (value None). Raises EtcdError when
        the stream breaks or after timeout seconds without a line (then
        resume from the last revision handled + 1), Compacted when
        start_revision is gone."""
        req = {'key': _enc(key)}
        if prefix:
            req['range_end'] = _enc(_prefix_end(key))
        if start_revision:
            req['start_revision'] = str(start_revision)
        try:
            resp = self._c.session.post(
                self._c.get_url('/watch'), json={'create_request': req},
                stream=True, timeout=(self.timeout, timeout))
        except requests.RequestException as e:
            raise EtcdError('etcd watch: %s' % e)
        try:
            if resp.status_code != 200:
                raise EtcdError('etcd watch: HTTP %d' % resp.status_code)
            for line in resp.iter_lines(chunk_size=None):
                if not line:
                    continue
                res = json.loads(line).get('result', {})
                if res.get('compact_revision') and res.get('canceled'):
                    raise Compacted('revision %s compacted (now %s)' %
                                    (start_revision,
                                     res['compact_revision']))
                if res.get('canceled'):
                    raise EtcdError('etcd watch canceled: %s' %
                                    res.get('cancel_reason'))
                for ev in res.get('events') or []:
                    kv = ev['kv']
                    typ = ev.get('type', 'PUT')
                    yield (typ, _dec(kv['key']),
                           _dec(kv.get('value', '')) if typ == 'PUT'
                           else None, int(kv['mod_revision']))
            raise EtcdError('etcd watch stream ended')
        except requests.RequestException as e:
            raise EtcdError('etcd watch: %s' % e)
        except ValueError as e:
            raise EtcdError('etcd watch: bad line: %s' % e)
        finally:
            resp.close()
