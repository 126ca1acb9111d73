# SPDX-License-Identifier: BSD-3-Clause
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "networking-spp"))
sys.path.insert(0, HERE)
