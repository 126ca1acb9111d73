# SPDX-License-Identifier: BSD-3-Clause
"""networking-spp and its tests are flake8-clean; the entry points Neutron
loads the driver and the agent by are the ones of setup.cfg."""

import configparser
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def test_flake8():
    r = subprocess.run(['flake8', 'networking-spp', 'tests/openstack'],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_entry_points():
    cp = configparser.ConfigParser()
    cp.read(os.path.join(ROOT, 'networking-spp', 'setup.cfg'))
    eps = cp['options.entry_points']
    assert eps['neutron.ml2.mechanism_drivers'].strip() == (
        'spp = networking_spp.mech_driver.mech_spp:SppMechanismDriver')
    assert ('neutron-spp-agent = networking_spp.agent.main:main' in
            eps['console_scripts'])
    from networking_spp.mech_driver.mech_spp import SppMechanismDriver
    from neutron_lib.plugins.ml2 import api
    assert issubclass(SppMechanismDriver, api.MechanismDriver)


def test_installs_offline_in_a_venv(tmp_path):
    """The documented install: a venv on Debian's packages, pip without
    any index; the console scripts run and stevedore finds the driver."""
    import shutil
    src = tmp_path / 'src'
    shutil.copytree(os.path.join(ROOT, 'networking-spp'), src,
                    ignore=shutil.ignore_patterns('__pycache__'))
    v = tmp_path / 'v'
    try:
        venv_checks(src, v, tmp_path)
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)


def venv_checks(src, v, tmp_path):
    subprocess.run(['/usr/bin/python3', '-m', 'venv',
                    '--system-site-packages', str(v)], check=True)
    r = subprocess.run([str(v / 'bin' / 'pip'), 'install', '-q',
                        '--no-index', '--no-deps', '--no-build-isolation',
                        str(src)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([str(v / 'bin' / 'neutron-spp-agent'), '--help'],
                       capture_output=True, text=True)
    assert r.returncode == 0 and '--config-file' in r.stdout, r.stderr
    r = subprocess.run([str(v / 'bin' / 'python'), '-c',
                        'from stevedore import driver; print(driver.'
                        'DriverManager("neutron.ml2.mechanism_drivers", '
                        '"spp").driver.__name__)'],
                       capture_output=True, text=True, cwd=str(tmp_path))
    assert r.stdout.strip() == 'SppMechanismDriver', r.stderr
