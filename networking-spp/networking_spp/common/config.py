"""Options of the [spp] section, shared by the mechanism driver (in
neutron-server) and the agent (on each compute node)."""

from oslo_config import cfg

SPP_OPTS = [
    # the original networking-spp's options
    cfg.StrOpt('etcd_host', default='127.0.0.1',
               help='etcd address (the v3 HTTP gateway)'),
    cfg.PortOpt('etcd_port', default=2379, help='etcd client port'),
    cfg.StrOpt('api_ip_addr', default='127.0.0.1',
               help='address of spp-ctl\'s REST API (agent)'),
    cfg.PortOpt('api_port', default=7777,
                help='port of spp-ctl\'s REST API (agent)'),
    # ours
    cfg.IntOpt('wait_plug_timeout', default=20, min=1,
               help='driver: seconds bind_port waits for the agent to '
                    'report a port up'),
    cfg.StrOpt('vhost_socket_dir', default='/tmp',
               help='where the vhost-user sockets /tmp/sockN are'),
    cfg.FloatOpt('resync_interval', default=2.0, min=0.2,
                 help='agent: seconds between two checks of spp_vf\'s '
                      'real state against etcd'),
    cfg.ListOpt('vf', default=[],
                help='agent: NICs this host serves, published to etcd at '
                     'start, each as PHYSNET:NUM_VHOST:CORE_MASK[:PCI] '
                     '(NIC N is phy:N, spp_vf client id N+1). Empty: the '
                     'host configuration is written to etcd by someone '
                     'else, as with the original'),
    cfg.IntOpt('vhost_id_base', default=0, min=0,
               help='agent, with [spp] vf: the first vhost id of the host '
                    '(vhost ids are global across NICs; 0 as the original)'),
    # TaaS
    cfg.StrOpt('mirror', default='',
               help='agent, with [spp] vf: the spp_mirror of this host for '
                    'TaaS, as NUM_COMPONENTS:CORE_MASK (the original\'s '
                    'SPP_MIRROR NUM#MASK); its rings follow the vhosts\' '
                    'ones. Empty: no TaaS on this host (or the "mirror" '
                    'list of the configuration written by someone else)'),
    cfg.IntOpt('mirror_client_id', default=0, min=0,
               help='agent: secondary id of spp_mirror (0: the number of '
                    'NICs + 1, the id after the last spp_vf)'),
    cfg.IntOpt('wait_tap_timeout', default=20, min=1,
               help='TaaS driver: seconds a tap flow create waits for the '
                    'agent to wire the mirror'),
]

cfg.CONF.register_opts(SPP_OPTS, 'spp')


def list_opts():
    return [('spp', SPP_OPTS)]
