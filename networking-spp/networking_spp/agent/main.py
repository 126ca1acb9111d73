"""neutron-spp-agent: the SPP agent process (Neutron RPC, eventlet)."""

import eventlet
eventlet.monkey_patch()

import signal  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402

from neutron.agent import rpc as agent_rpc  # noqa: E402
from neutron.common import config as common_config  # noqa: E402
from neutron.conf.agent import common as agent_conf  # noqa: E402
from neutron_lib.agent import topics  # noqa: E402
from neutron_lib import context  # noqa: E402
from oslo_config import cfg  # noqa: E402
from oslo_log import log as logging  # noqa: E402

from networking_spp.agent.spp_agent import SppAgent  # noqa: E402
from networking_spp.agent.spp_api import SppCtl  # noqa: E402
from networking_spp.common import config  # noqa: E402,F401
from networking_spp.common.etcd_client import EtcdClient  # noqa: E402

LOG = logging.getLogger(__name__)


class NeutronRpc(object):
    """What the agent tells neutron-server, over oslo.messaging."""

    def __init__(self, host):
        self.host = host
        self.agent_id = 'spp-%s' % host
        self.ctx = context.get_admin_context_without_session()
        self.state_rpc = agent_rpc.PluginReportStateAPI(topics.REPORTS)
        self.plugin_rpc = agent_rpc.PluginApi(topics.PLUGIN)

    def report_state(self, state):
        self.state_rpc.report_state(self.ctx, state)

    def devices_up(self, port_ids):
        res = self.plugin_rpc.update_device_list(
            self.ctx, port_ids, [], self.agent_id, self.host)
        failed = res.get('failed_devices_up') or []
        LOG.info('reported up to Neutron: %s (failed: %s)', port_ids,
                 failed)
        if failed:
            raise RuntimeError('Neutron failed devices %s' % failed)


def main():
    agent_conf.register_agent_state_opts_helper(cfg.CONF)
    common_config.register_common_config_options()
    common_config.init(sys.argv[1:])
    common_config.setup_logging()
    conf = cfg.CONF
    host = conf.host or socket.gethostname()
    agent = SppAgent(host,
                     EtcdClient(conf.spp.etcd_host, conf.spp.etcd_port),
                     SppCtl(conf.spp.api_ip_addr, conf.spp.api_port),
                     vf_specs=conf.spp.vf, neutron=NeutronRpc(host),
                     resync_interval=conf.spp.resync_interval,
                     vhost_id_base=conf.spp.vhost_id_base,
                     mirror_spec=conf.spp.mirror,
                     mirror_client_id=conf.spp.mirror_client_id)
    done = eventlet.event.Event()

    def stop(*_args):
        agent.stop()
        if not done.ready():
            done.send(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    LOG.info('SPP agent on %s: etcd %s:%s, spp-ctl %s:%s', host,
             conf.spp.etcd_host, conf.spp.etcd_port, conf.spp.api_ip_addr,
             conf.spp.api_port)
    agent.start(conf.AGENT.report_interval)
    return done.wait()


if __name__ == '__main__':
    sys.exit(main())
