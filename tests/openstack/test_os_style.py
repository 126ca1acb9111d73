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
