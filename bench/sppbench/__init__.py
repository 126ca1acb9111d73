# SPDX-License-Identifier: BSD-3-Clause
"""The benchmark (bench/run.py) in parts by role: base, contenders, judging,
scenarios, report."""
