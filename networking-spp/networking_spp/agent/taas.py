"""TaaS in the SPP agent: the component layout of spp_vf and spp_mirror
for the tap flows to apply, and the reconciliation of a process's real
components with a layout.

A tap flow of source vhost S to the monitor (tap service) vhost M, with
mirror i (rings A_i, B_i) for IN and mirror j for OUT:

- IN: the classifier's ring of S goes to mirror i instead of S's forward;
  the mirror sends the original on A_i (tx 0) to S's forward, the copy on
  B_i (tx 1) to M.
- OUT: S's forward from the vhost writes A_j instead of the merge's ring;
  mirror j sends the original on to that ring (tx 0), the copy on B_j.
- M's forward to its vhost becomes a merge `taas_merge_M` of M's own ring
  and the copy rings.

Without flows the layout is the host configuration's."""

import copy
import json

TAAS_MERGE = 'taas_merge_%d'
MIRROR = 'mirror_%d'


class Tap(object):
    """A tap flow as the agent applies it."""

    def __init__(self, flow_id, service_vid, source_vid, mirror_in,
                 mirror_out):
        self.flow_id = flow_id
        self.service_vid = service_vid
        self.source_vid = source_vid
        self.mirror_in = mirror_in
        self.mirror_out = mirror_out

    def mirror_ids(self):
        return [m for m in (self.mirror_in, self.mirror_out)
                if m is not None]


def parse_info(data):
    """tap_info JSON -> (service port, source port, mirror_in, mirror_out);
    ValueError if malformed."""
    try:
        d = json.loads(data)
        mi, mo = d.get('mirror_in'), d.get('mirror_out')
        mi = int(mi) if mi is not None else None
        mo = int(mo) if mo is not None else None
        if mi is None and mo is None:
            raise ValueError('no mirror')
        return d['service_port'], d['source_port'], mi, mo
    except (KeyError, TypeError, AttributeError) as e:
        raise ValueError(str(e))


def vf_layout(nic, taps, mirrors):
    """The components of nic's spp_vf with taps applied (taps whose ports
    are on other NICs change nothing here)."""
    comps = copy.deepcopy(nic.components)
    to_vhost = {c['tx_port'][0]: c for c in comps
                if c['type'] == 'forward' and c['tx_port']}
    from_vhost = {c['rx_port'][0]: c for c in comps
                  if c['type'] == 'forward' and c['rx_port']}
    copies = {}
    for t in sorted(taps, key=lambda t: t.flow_id):
        src = 'vhost:%d' % t.source_vid
        if t.source_vid in nic.vhosts:
            if t.mirror_in is not None:
                to_vhost[src]['rx_port'] = [mirrors[t.mirror_in][1]]
            if t.mirror_out is not None:
                from_vhost[src]['tx_port'] = [mirrors[t.mirror_out][1]]
        if t.service_vid in nic.vhosts:
            copies.setdefault(t.service_vid, []).extend(
                mirrors[m][2] for m in t.mirror_ids())
    for vid, rings in sorted(copies.items()):
        fwd = to_vhost['vhost:%d' % vid]
        merge = {'name': TAAS_MERGE % vid, 'type': 'merge',
                 'core': fwd['core'],
                 'rx_port': list(fwd['rx_port']) + sorted(rings),
                 'tx_port': list(fwd['tx_port'])}
        comps[comps.index(fwd)] = merge
    return comps


def mirror_layout(nic_of, taps, mirrors):
    """The components of spp_mirror for taps."""
    comps = []
    for t in taps:
        nic = nic_of(t.source_vid)
        cls_ring, mg_ring = nic.vhosts[t.source_vid]
        if t.mirror_in is not None:
            core, a, b = mirrors[t.mirror_in]
            comps.append({'name': MIRROR % t.mirror_in, 'type': 'mirror',
                          'core': core, 'rx_port': [cls_ring],
                          'tx_port': [a, b]})
        if t.mirror_out is not None:
            core, a, b = mirrors[t.mirror_out]
            comps.append({'name': MIRROR % t.mirror_out, 'type': 'mirror',
                          'core': core, 'rx_port': [a],
                          'tx_port': [mg_ring, b]})
    return comps


def _ctype(t):
    return 'classifier' if t == 'classifier_mac' else t


def _ports(c, d):
    return [p['port'] for p in c.get(d + '_port', [])]


def plan(status, layout):
    """Compare a process's status with the layout. Returns (removals,
    additions): removals [('detach', comp, port, dir) | ('stop', comp)],
    additions [('start', comp dict) | ('attach', comp, port, dir)], in the
    order to apply them. Ports are compared by name (VLAN operations are
    the agent's business); a mirror's tx ports in order (tx 0 is the
    original, tx 1 the copy)."""
    have = {c['name']: c for c in status.get('components') or []
            if c.get('name')}
    want = {c['name']: c for c in layout}
    rm, add = [], []
    kept = {}
    for name, c in sorted(have.items()):
        w = want.get(name)
        if w is None or _ctype(c.get('type')) != _ctype(w['type']):
            for d in ('rx', 'tx'):
                rm.extend(('detach', name, p, d) for p in _ports(c, d))
            rm.append(('stop', name))
            continue
        for d in ('rx', 'tx'):
            cur, wl = _ports(c, d), w[d + '_port']
            if w['type'] == 'mirror' and d == 'tx':
                keep = []
                for p, q in zip(cur, wl):
                    if p != q:
                        break
                    keep.append(p)
            else:
                keep = [p for p in cur if p in wl]
            rm.extend(('detach', name, p, d) for p in cur if p not in keep)
            kept[(name, d)] = keep
    for w in layout:
        name = w['name']
        if (name, 'rx') not in kept:
            add.append(('start', w))
        for d in ('rx', 'tx'):
            keep = kept.get((name, d), [])
            add.extend(('attach', name, p, d) for p in w[d + '_port']
                       if p not in keep)
    return rm, add
