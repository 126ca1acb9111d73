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
