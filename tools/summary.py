#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Print "N passed, N failed" from a pytest JUnit XML file; exit 1 when a
test failed or when no test ran at all."""

import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError, IndexError) as e:
    print("no test results: %s" % e)
    print("0 passed, 1 failed")
    sys.exit(1)
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
total = failed = skipped = 0
for s in suites:
    total += int(s.get("tests", 0))
    failed += int(s.get("failures", 0)) + int(s.get("errors", 0))
    skipped += int(s.get("skipped", 0))
passed = total - failed - skipped
line = "%d passed, %d failed" % (passed, failed)
if skipped:
    line += ", %d skipped" % skipped
print(line)
sys.exit(1 if failed or passed == 0 else 0)
