# SPDX-License-Identifier: BSD-3-Clause
"""A real OpenStack networking control plane for the system tests: etcd,
RabbitMQ, MariaDB and neutron-server (ML2 with the `spp` driver, noauth),
and the SPP agent, all on private loopback ports with their data in one
work dir. Everything is started as our own child in its own session and
stopped by its pid (and process group); the work dir is removed."""

import configparser
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import requests

sys.path.insert(0, os.path.join(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))), 'system'))
from sppenv import free_port, wait_for  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PKG = os.path.join(ROOT, 'networking-spp')
LOGDIR = os.path.join(ROOT, 'build', 'test-logs', 'openstack')
PY = '/usr/bin/python3'


def tcp_open(port):
    try:
        socket.create_connection(('127.0.0.1', port), timeout=0.5).close()
        return True
    except OSError:
        return False


class Child(object):
    """A process in its own session, output in LOGDIR/name.log."""

    def __init__(self, name, argv, env=None, cwd=None):
        os.makedirs(LOGDIR, exist_ok=True)
        self.name = name
        self.log = os.path.join(LOGDIR, name + '.log')
        self.logf = open(self.log, 'a')
        self.logf.write('=== %s: %s\n' % (time.strftime('%H:%M:%S'),
                                          ' '.join(argv)))
        self.logf.flush()
        self.p = subprocess.Popen(argv, stdout=self.logf,
                                  stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, env=env, cwd=cwd,
                                  start_new_session=True)
        self.pid = self.p.pid

    def alive(self):
        return self.p.poll() is None

    def stop(self, timeout=10, sig=signal.SIGTERM):
        """Signal the process, wait, then SIGKILL its whole process group
        (its own session: only what it started itself)."""
        if self.p.poll() is None:
            self.p.send_signal(sig)
            try:
                self.p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self.p.poll() is None:
            self.p.wait(timeout=10)
        self.logf.close()

    def output(self):
        with open(self.log) as f:
            return f.read()


def dist_info(where):
    """A dist-info of networking-spp from its setup.cfg, so that stevedore
    finds the `spp` driver on PYTHONPATH without any installation."""
    cp = configparser.ConfigParser()
    cp.read(os.path.join(PKG, 'setup.cfg'))
    ver = cp['metadata']['version']
    d = os.path.join(where, 'networking_spp-%s.dist-info' % ver)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'METADATA'), 'w') as f:
        f.write('Metadata-Version: 2.1\nName: networking-spp\n'
                'Version: %s\n' % ver)
    with open(os.path.join(d, 'entry_points.txt'), 'w') as f:
        for group, text in cp['options.entry_points'].items():
            f.write('[%s]\n%s\n\n' % (group, text.strip()))


class Etcd(object):

    def __init__(self, work):
        self.dir = os.path.join(work, 'etcd')
        self.port, self.peer = free_port(), free_port()
        self.proc = None

    def start(self):
        c = 'http://127.0.0.1:%d' % self.port
        p = 'http://127.0.0.1:%d' % self.peer
        self.proc = Child('etcd', [
            'etcd', '--name', 'ostk', '--data-dir', self.dir,
            '--listen-client-urls', c, '--advertise-client-urls', c,
            '--listen-peer-urls', p, '--initial-advertise-peer-urls', p,
            '--initial-cluster', 'ostk=' + p])
        wait_for(self.healthy, timeout=60, what='etcd')

    def healthy(self):
        try:
            return requests.get('http://127.0.0.1:%d/health' % self.port,
                                timeout=1).json().get('health') == 'true'
        except (requests.RequestException, ValueError):
            return False

    def stop(self):
        if self.proc:
            self.proc.stop()
            self.proc = None


class Stack(object):
    """etcd, RabbitMQ, MariaDB and neutron-server; agents added later."""

    def __init__(self):
        self.work = tempfile.mkdtemp(prefix='ostk-')
        # logs of this session only (restarted processes append)
        shutil.rmtree(LOGDIR, ignore_errors=True)
        self.children = []
        self.rabbit_beam = None
        self.etcd = Etcd(self.work)
        self.amqp, self.dist, self.epmd = free_port(), free_port(), \
            free_port()
        self.mysql = free_port()
        self.neutron_port = free_port()
        self.url = 'http://127.0.0.1:%d/v2.0' % self.neutron_port
        self.pymeta = os.path.join(self.work, 'pymeta')
        dist_info(self.pymeta)
        self.env = dict(os.environ, PYTHONPATH='%s:%s' % (PKG, self.pymeta))
        try:
            self._start()
        except BaseException:
            self.close()
            raise

    def _start(self):
        t0 = time.monotonic()
        self.etcd.start()
        self._start_rabbit()
        self._start_mysql()
        self._write_conf()
        r = subprocess.run([PY, '/usr/bin/neutron-db-manage'] +
                           self.conf_args + ['upgrade', 'heads'],
                           env=self.env, capture_output=True, text=True)
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
        self._taas_tables()
        wait_for(lambda: tcp_open(self.amqp), timeout=180, what='RabbitMQ')
        self.server = self.child('neutron-server', [
            PY, '/usr/bin/neutron-server'] + self.conf_args)
        wait_for(lambda: self._server_up(), timeout=180, what='neutron-server')
        self.startup_s = time.monotonic() - t0

    def _taas_tables(self):
        """Debian's python3-neutron-taas ships no database migrations
        (neutron-db-manage creates only alembic_version_taas): its tables
        are created from its models."""
        code = (
            'import sqlalchemy as sa\n'
            'from neutron_lib.db import model_base\n'
            'from neutron_taas.db import taas_db  # noqa\n'
            'md = model_base.BASEV2.metadata\n'
            'md.create_all(sa.create_engine(%r), tables=[\n'
            '    t for n, t in md.tables.items() if n.startswith("tap_")])\n'
            % self.db_url)
        r = subprocess.run([PY, '-c', code], env=self.env,
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr[-3000:]

    def child(self, name, argv, env=None):
        c = Child(name, argv, env=env or self.env)
        self.children.append(c)
        return c

    def _start_rabbit(self):
        r = os.path.join(self.work, 'rabbit')
        for d in ('home', 'mnesia', 'log'):
            os.makedirs(os.path.join(r, d))
        with open(os.path.join(r, 'rabbitmq.conf'), 'w') as f:
            f.write('listeners.tcp.default = 127.0.0.1:%d\n'
                    'default_user = neutron\ndefault_pass = secret\n'
                    'loopback_users = none\nlog.console = true\n'
                    'log.file = false\n' % self.amqp)
        with open(os.path.join(r, 'enabled_plugins'), 'w') as f:
            f.write('[].\n')
        self.rabbit_pidfile = os.path.join(r, 'rabbit.pid')
        env = dict(os.environ, HOME=os.path.join(r, 'home'),
                   ERL_EPMD_PORT=str(self.epmd),
                   ERL_EPMD_ADDRESS='127.0.0.1',
                   RABBITMQ_NODENAME='ostk%d@localhost' % self.amqp,
                   RABBITMQ_NODE_IP_ADDRESS='127.0.0.1',
                   RABBITMQ_NODE_PORT=str(self.amqp),
                   RABBITMQ_DIST_PORT=str(self.dist),
                   RABBITMQ_CONF_ENV_FILE='/dev/null',
                   RABBITMQ_CONFIG_FILE=os.path.join(r, 'rabbitmq.conf'),
                   RABBITMQ_ENABLED_PLUGINS_FILE=os.path.join(
                       r, 'enabled_plugins'),
                   RABBITMQ_MNESIA_BASE=os.path.join(r, 'mnesia'),
                   RABBITMQ_LOG_BASE=os.path.join(r, 'log'),
                   RABBITMQ_PID_FILE=self.rabbit_pidfile,
                   RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=(
                       '-kernel inet_dist_use_interface {127,0,0,1}'))
        # our own epmd: else erl daemonises a shared one we have no pid of
        self.child('epmd', ['epmd', '-port', str(self.epmd), '-address',
                            '127.0.0.1'], env=env)
        wait_for(lambda: tcp_open(self.epmd), timeout=30, what='epmd')
        self.rabbit = self.child('rabbitmq', [
            '/usr/lib/rabbitmq/bin/rabbitmq-server'], env=env)

    def _start_mysql(self):
        m = os.path.join(self.work, 'mysql')
        os.makedirs(m)
        self.mysql_sock = os.path.join(m, 'mysqld.sock')
        r = subprocess.run(
            ['mariadb-install-db', '--no-defaults', '--datadir=' + m +
             '/data', '--user=root', '--auth-root-authentication-method='
             'normal', '--skip-test-db'], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
        self.child('mariadbd', [
            'mariadbd', '--no-defaults', '--datadir=' + m + '/data',
            '--user=root', '--bind-address=127.0.0.1',
            '--port=%d' % self.mysql, '--socket=' + self.mysql_sock,
            '--pid-file=' + m + '/mysqld.pid', '--skip-name-resolve',
            '--innodb-buffer-pool-size=64M', '--skip-log-bin'])
        cli = ['--no-defaults', '-uroot', '--socket=' + self.mysql_sock]
        wait_for(lambda: subprocess.run(
            ['mariadb-admin'] + cli + ['ping'], capture_output=True)
            .returncode == 0, timeout=120, what='mariadbd')
        sql = ("CREATE DATABASE neutron CHARACTER SET utf8mb4; "
               "CREATE USER 'neutron'@'127.0.0.1' IDENTIFIED BY 'secret'; "
               "GRANT ALL ON neutron.* TO 'neutron'@'127.0.0.1';")
        subprocess.run(['mariadb'] + cli + ['-e', sql], check=True)

    def _write_conf(self):
        n = os.path.join(self.work, 'neutron')
        os.makedirs(os.path.join(n, 'state'))
        self.db_url = ('mysql+pymysql://neutron:secret@127.0.0.1:%d/neutron'
                       % self.mysql)
        self.server_log = os.path.join(LOGDIR, 'neutron-server-log.log')
        self.transport = 'rabbit://neutron:secret@127.0.0.1:%d/' % self.amqp
        with open(os.path.join(n, 'neutron.conf'), 'w') as f:
            f.write(f"""[DEFAULT]
bind_host = 127.0.0.1
bind_port = {self.neutron_port}
core_plugin = ml2
service_plugins = taas
auth_strategy = noauth
api_paste_config = /etc/neutron/api-paste.ini
transport_url = {self.transport}
state_path = {n}/state
api_workers = 1
rpc_workers = 1
rpc_state_report_workers = 0
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
dhcp_agent_notification = false
agent_down_time = 20
graceful_shutdown_timeout = 3
log_file = {self.server_log}

[database]
connection = {self.db_url}

[oslo_concurrency]
lock_path = {n}/lock

[spp]
etcd_host = 127.0.0.1
etcd_port = {self.etcd.port}
wait_plug_timeout = 20
""")
        with open(os.path.join(n, 'ml2_conf.ini'), 'w') as f:
            f.write("""[ml2]
type_drivers = flat,vlan
tenant_network_types =
mechanism_drivers = spp
extension_drivers = port_security

[ml2_type_flat]
flat_networks = physnet1,physnet2

[ml2_type_vlan]
network_vlan_ranges = physnet1:100:200

[securitygroup]
enable_security_group = false
""")
        with open(os.path.join(n, 'taas_plugin.ini'), 'w') as f:
            f.write('[service_providers]\nservice_provider = TAAS:SPP:'
                    'networking_spp.service_drivers.taas.SppTaasDriver:'
                    'default\n')
        self.conf_args = ['--config-file', os.path.join(n, 'neutron.conf'),
                          '--config-file', os.path.join(n, 'ml2_conf.ini'),
                          '--config-file', os.path.join(n, 'taas_plugin.ini')]

    def _server_up(self):
        assert self.server.alive(), self.server.output()[-3000:]
        try:
            return requests.get(self.url + '/agents', timeout=2).ok
        except requests.RequestException:
            return False

    # -- Neutron's REST API -------------------------------------------------
    def req(self, method, path, body=None, code=None):
        r = requests.request(method, self.url + path, json=body, timeout=60)
        if code is not None:
            assert r.status_code == code, '%s %s: %d %s' % (
                method, path, r.status_code, r.text)
        return r.json() if r.content else None

    def post(self, what, body):
        return self.req('POST', '/%ss' % what, {what: body}, 201)[what]

    def get(self, what, oid):
        return self.req('GET', '/%ss/%s' % (what, oid), None, 200)[what]

    def delete(self, what, oid):
        self.req('DELETE', '/%ss/%s' % (what, oid), None, 204)

    def agents(self, host):
        return [a for a in self.req('GET', '/agents', None, 200)['agents']
                if a['host'] == host and
                a['agent_type'] == 'SPP neutron agent']

    # -- the SPP agent of a compute node ---------------------------------
    def agent_conf(self, host, api_port, vf, vhost_id_base, extra=''):
        """vf None: no [spp] vf (the configuration is in etcd already)."""
        path = os.path.join(self.work, 'agent-%s%s.conf' % (
            host, '' if vf else '-novf'))
        with open(path, 'w') as f:
            f.write(f"""[DEFAULT]
host = {host}
transport_url = {self.transport}
log_file = {LOGDIR}/spp-agent-{host}-log.log

[AGENT]
report_interval = 2

[spp]
etcd_host = 127.0.0.1
etcd_port = {self.etcd.port}
api_ip_addr = 127.0.0.1
api_port = {api_port}
resync_interval = 1
""")
            if vf:
                f.write('vf = %s\nvhost_id_base = %d\n' % (vf, vhost_id_base))
            f.write(extra)
        return path

    def start_agent(self, host, conf):
        a = self.child('spp-agent-' + host, [
            PY, '-m', 'networking_spp.agent.main', '--config-file', conf])
        wait_for(lambda: any(x['alive'] for x in self.agents(host)) or
                 not a.alive(), timeout=120, what='agent of %s alive' % host)
        assert a.alive(), a.output()[-3000:]
        return a

    def stop_child(self, c, timeout=10):
        c.stop(timeout)
        self.children.remove(c)

    def close(self):
        # neutron-server and agents first, then the services
        for c in reversed(self.children):
            if c.name in ('rabbitmq', 'epmd', 'mariadbd'):
                continue
            c.stop(timeout=8)
        beam = None
        try:
            with open(self.rabbit_pidfile) as f:
                beam = int(f.read().strip())
        except (AttributeError, OSError, ValueError):
            pass
        if beam:
            # beam.smp runs under the rabbitmq-server script's shell, in
            # the session we started: signal it by its pid first
            try:
                os.kill(beam, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for name in ('rabbitmq', 'mariadbd', 'epmd'):
            for c in self.children:
                if c.name == name:
                    c.stop(timeout=20)
        self.children = []
        self.etcd.stop()
        shutil.rmtree(self.work, ignore_errors=True)

    def dump(self):
        return json.dumps(self.req('GET', '/agents'), indent=1)
