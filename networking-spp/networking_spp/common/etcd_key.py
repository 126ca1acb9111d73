"""The etcd keys of networking-spp (the original's layout)."""

ROOT = '/spp/openstack/'


def configuration(host):
    return ROOT + 'configuration/%s' % host


def vhost_prefix(host, physnet=None):
    if physnet is None:
        return ROOT + 'vhost/%s/' % host
    return ROOT + 'vhost/%s/%s/' % (host, physnet)


def vhost(host, physnet, vhost_id):
    return vhost_prefix(host, physnet) + str(vhost_id)


def bind_port_prefix(host):
    return ROOT + 'bind_port/%s/' % host


def bind_port(host, port_id):
    return bind_port_prefix(host) + port_id


def action_prefix(host):
    return ROOT + 'action/%s/' % host


def action(host, port_id):
    return action_prefix(host) + port_id


def port_status_prefix(host):
    return ROOT + 'port_status/%s/' % host


def port_status(host, port_id):
    return port_status_prefix(host) + port_id


# ours: written by the driver once ML2 has committed the binding, so the
# agent reports the device up to Neutron when the port really is bound
def bound_prefix(host):
    return ROOT + 'bound/%s/' % host


def bound(host, port_id):
    return bound_prefix(host) + port_id


# TaaS (the original's keys): mirror components of a host ("None" or the
# tap flow id using it), and per tap flow its record, action and status
def mirror_prefix(host):
    return ROOT + 'mirror/%s/' % host


def mirror(host, mirror_id):
    return mirror_prefix(host) + str(mirror_id)


def tap_info_prefix(host):
    return ROOT + 'tap_info/%s/' % host


def tap_info(host, flow_id):
    return tap_info_prefix(host) + flow_id


def tap_action_prefix(host):
    return ROOT + 'tap_action/%s/' % host


def tap_action(host, flow_id):
    return tap_action_prefix(host) + flow_id


def tap_status_prefix(host):
    return ROOT + 'tap_status/%s/' % host


def tap_status(host, flow_id):
    return tap_status_prefix(host) + flow_id
