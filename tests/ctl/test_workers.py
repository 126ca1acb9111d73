# SPDX-License-Identifier: BSD-3-Clause
"""The endpoints of spp_vf, spp_mirror and spp_pcap: components, their
ports, the classifier table and capture. Each sends exactly one command
line, checked by the shared command table first; a bad request gets a 400
naming what is wrong and sends nothing."""

import pytest

from sppfake import error_of

VF, MIRROR, PCAP = "/v1/vfs/1", "/v1/mirrors/2", "/v1/pcaps/3"
MAC = "52:54:00:01:00:01"


@pytest.fixture
def workers(procs):
    """Fake vf 1, mirror 2 and pcap 3, by kind."""
    made = {"vf": procs("vf", 1), "mirror": procs("mirror", 2),
            "pcap": procs("pcap", 3)}
    for p in made.values():
        assert p.accepted, p.hello_reply
    return made


def no_commands(workers):
    return all(p.commands == [] for p in workers.values())


def sent(r, p, cmd):
    """r is a 204 and p got exactly cmd."""
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert p.wait_commands(1) == [cmd]


# --- success: the exact command line, 204 ---------------------------------

@pytest.mark.parametrize("kind,base,body,cmd", [
    ("vf", VF, {"name": "fwd1", "core": 2, "type": "forward"},
     "component start fwd1 2 forward"),
    ("vf", VF, {"type": "merge", "core": 0, "name": "mg_1"},
     "component start mg_1 0 merge"),
    ("vf", VF, {"name": "cls-1", "core": 127, "type": "classifier"},
     "component start cls-1 127 classifier"),
    # the old name goes as it is: the processes take it too
    ("vf", VF, {"name": "cls", "core": 3, "type": "classifier_mac"},
     "component start cls 3 classifier_mac"),
    ("mirror", MIRROR, {"name": "mr1", "core": 4, "type": "mirror"},
     "component start mr1 4 mirror"),
    ("mirror", MIRROR, {"name": "mr1", "core": 4, "type": "mirror",
                        "copy": "shallow"},
     "component start mr1 4 mirror shallow"),
    # the core as a string, as clients that pass on what was typed send it
    ("vf", VF, {"name": "fwd1", "core": "2", "type": "forward"},
     "component start fwd1 2 forward"),
    ("mirror", MIRROR, {"name": "mr1", "core": " 5 ", "type": "mirror"},
     "component start mr1 5 mirror"),
])
def test_component_start(ctl, workers, kind, base, body, cmd):
    sent(ctl.post(base + "/components", body), workers[kind], cmd)


@pytest.mark.parametrize("kind,base", [("vf", VF), ("mirror", MIRROR)])
def test_component_stop(ctl, workers, kind, base):
    sent(ctl.delete(base + "/components/fwd-1_A"), workers[kind],
         "component stop fwd-1_A")


def ports_body(action, port, dir_, **vlan):
    """A body of PUT .../ports, with "vlan" when vlan is given."""
    body = {"action": action, "port": port, "dir": dir_}
    if vlan:
        body["vlan"] = vlan
    return body


VF_PORTS = [
    (ports_body("attach", "ring:0", "rx"), "port add ring:0 rx fwd1"),
    ({"dir": "tx", "port": "vhost:1", "action": "detach"},
     "port del vhost:1 tx fwd1"),
    (ports_body("attach", "phy:0 nq 1", "tx"), "port add phy:0nq1 tx fwd1"),
    (ports_body("attach", "ring:0", "rx", operation="none"),
     "port add ring:0 rx fwd1"),
    # as status shows it: id and pcp are read with "add" only
    (ports_body("attach", "ring:0", "rx", operation="none", id=0, pcp=0),
     "port add ring:0 rx fwd1"),
    (ports_body("detach", "ring:0", "rx", operation="none", id=0, pcp=0),
     "port del ring:0 rx fwd1"),
    (ports_body("attach", "ring:1", "tx", operation="add", id=101, pcp=3),
     "port add ring:1 tx fwd1 add_vlantag 101 3"),
    (ports_body("attach", "ring:1", "tx", operation="add", id=4095, pcp=7),
     "port add ring:1 tx fwd1 add_vlantag 4095 7"),
    # as networking-spp sends them
    (ports_body("attach", "ring:1", "rx", operation="add", id=0, pcp=0),
     "port add ring:1 rx fwd1 add_vlantag 0 0"),
    (ports_body("attach", "ring:2", "tx", operation="del"),
     "port add ring:2 tx fwd1 del_vlantag"),
    # what the original CLI sends: "port add ring:0 rx fwd1" with an
    # empty "vlan", or (older releases) "none" in every field
    (dict(ports_body("attach", "ring:0", "rx"), vlan={}),
     "port add ring:0 rx fwd1"),
    (dict(ports_body("detach", "ring:0", "rx"), vlan={}),
     "port del ring:0 rx fwd1"),
    (dict(ports_body("attach", "ring:0", "rx"), vlan=None),
     "port add ring:0 rx fwd1"),
    (ports_body("attach", "ring:0", "rx", operation="none", id="none",
                pcp="none"), "port add ring:0 rx fwd1"),
    (ports_body("attach", "ring:0", "tx", operation="del", id="none",
                pcp="none"), "port add ring:0 tx fwd1 del_vlantag"),
    (ports_body("attach", "ring:1", "tx", operation="add", id="101",
                pcp="3"), "port add ring:1 tx fwd1 add_vlantag 101 3"),
    # a detach ignores "vlan" whatever it holds: the original's clients
    # send the attach's object back
    (ports_body("detach", "ring:1", "tx", operation="add", id=101, pcp=3),
     "port del ring:1 tx fwd1"),
    (ports_body("detach", "ring:1", "tx", operation="del"),
     "port del ring:1 tx fwd1"),
    (dict(ports_body("detach", "ring:1", "tx"), vlan="junk"),
     "port del ring:1 tx fwd1"),
]


@pytest.mark.parametrize("body,cmd", VF_PORTS)
def test_vf_ports(ctl, workers, body, cmd):
    sent(ctl.put(VF + "/components/fwd1/ports", body), workers["vf"],
         cmd)


@pytest.mark.parametrize("body,cmd", [
    ({"action": "attach", "port": "ring:0", "dir": "rx"},
     "port add ring:0 rx mr1"),
    ({"action": "attach", "port": "vhost:0", "dir": "tx"},
     "port add vhost:0 tx mr1"),
    ({"action": "detach", "port": "ring:0", "dir": "rx"},
     "port del ring:0 rx mr1"),
    ({"action": "attach", "port": "ring:0", "dir": "rx",
      "vlan": {"operation": "none"}}, "port add ring:0 rx mr1"),
    # the original CLI's mirror "port add|del" sends an empty vlan
    ({"action": "attach", "port": "ring:0", "dir": "rx", "vlan": {}},
     "port add ring:0 rx mr1"),
    ({"action": "detach", "port": "ring:0", "dir": "rx", "vlan": {}},
     "port del ring:0 rx mr1"),
])
def test_mirror_ports(ctl, workers, body, cmd):
    sent(ctl.put(MIRROR + "/components/mr1/ports", body),
         workers["mirror"], cmd)


@pytest.mark.parametrize("body,cmd", [
    ({"action": "add", "type": "mac", "mac_address": MAC, "port": "ring:0"},
     "classifier_table add mac %s ring:0" % MAC),
    ({"action": "del", "type": "mac", "mac_address": "default",
      "port": "ring:1"}, "classifier_table del mac default ring:1"),
    ({"port": "ring:1", "vlan": 101, "mac_address": "FF:FF:FF:FF:FF:FF",
      "type": "vlan", "action": "add"},
     "classifier_table add vlan 101 FF:FF:FF:FF:FF:FF ring:1"),
    ({"action": "del", "type": "vlan", "vlan": 0, "mac_address": "default",
      "port": "phy:0"}, "classifier_table del vlan 0 default phy:0"),
    # the original CLI sends the VID as it was typed: a string
    ({"action": "add", "type": "vlan", "vlan": "101", "mac_address": MAC,
      "port": "ring:0"}, "classifier_table add vlan 101 %s ring:0" % MAC),
    ({"action": "del", "type": "vlan", "vlan": "0",
      "mac_address": "default", "port": "ring:1"},
     "classifier_table del vlan 0 default ring:1"),
])
def test_classifier_table(ctl, workers, body, cmd):
    sent(ctl.put(VF + "/classifier_table", body), workers["vf"], cmd)


@pytest.mark.parametrize("action", ["start", "stop"])
def test_capture(ctl, workers, action):
    sent(ctl.put(PCAP + "/capture", {"action": action}), workers["pcap"],
         action)


def test_component_lifecycle(ctl, workers):
    """The calls of networking-spp's set-up, in order, to one vf."""
    vf = workers["vf"]
    calls = [
        ("post", "/components", {"name": "fw1", "core": 2,
                                 "type": "forward"}),
        ("put", "/components/fw1/ports",
         {"action": "attach", "port": "ring:0", "dir": "rx"}),
        ("put", "/components/fw1/ports",
         {"action": "attach", "port": "vhost:0", "dir": "tx"}),
        ("put", "/classifier_table", {"action": "add", "type": "mac",
                                      "mac_address": MAC,
                                      "port": "ring:0"}),
        ("put", "/components/fw1/ports",
         {"action": "detach", "port": "ring:0", "dir": "rx"}),
        ("delete", "/components/fw1", None),
    ]
    for method, path, body in calls:
        r = ctl.request(method.upper(), VF + path, body)
        assert r.status_code == 204, r.text
    assert vf.commands == [
        "component start fw1 2 forward", "port add ring:0 rx fw1",
        "port add vhost:0 tx fw1",
        "classifier_table add mac %s ring:0" % MAC,
        "port del ring:0 rx fw1", "component stop fw1"]


# --- what the process answers ---------------------------------------------

@pytest.mark.parametrize("reply,status,error", [
    ({"result": "error", "code": 409,
      "message": "component fwd1 already exists"}, 409,
     "component fwd1 already exists"),
    ({"result": "error", "code": 409, "message": "lcore 2 is busy"}, 409,
     "lcore 2 is busy"),
    ({"result": "error", "code": 400, "message": "lcore 2 is not a worker"},
     400, "lcore 2 is not a worker"),
    ({"result": "error", "code": 404, "message": "no lcore 2"}, 404,
     "no lcore 2"),
    ({"result": "error", "message": "no"}, 400,
     "vf 1 refused 'component start fwd1 2 forward': no"),
    ({"result": "error", "code": 200}, 500,
     "invalid reply from vf 1: \"code\" is not an HTTP error status"),
])
def test_component_start_refused(ctl, workers, reply, status, error):
    vf = workers["vf"]
    vf.replies["component start fwd1 2 forward"] = reply
    r = ctl.post(VF + "/components", {"name": "fwd1", "core": 2,
                                      "type": "forward"})
    assert error_of(r, status) == error
    assert vf.commands == ["component start fwd1 2 forward"]


@pytest.mark.parametrize("kind,method,path,body,cmd", [
    ("vf", "DELETE", VF + "/components/fwd9", None, "component stop fwd9"),
    ("vf", "PUT", VF + "/components/fwd9/ports",
     {"action": "attach", "port": "ring:0", "dir": "rx"},
     "port add ring:0 rx fwd9"),
    ("vf", "PUT", VF + "/classifier_table",
     {"action": "del", "type": "mac", "mac_address": MAC, "port": "ring:0"},
     "classifier_table del mac %s ring:0" % MAC),
    ("mirror", "DELETE", MIRROR + "/components/fwd9", None,
     "component stop fwd9"),
    ("mirror", "PUT", MIRROR + "/components/fwd9/ports",
     {"action": "detach", "port": "ring:0", "dir": "tx"},
     "port del ring:0 tx fwd9"),
    ("pcap", "PUT", PCAP + "/capture", {"action": "start"}, "start"),
])
@pytest.mark.parametrize("code", [404, 409, 400])
def test_refused(ctl, workers, kind, method, path, body, cmd, code):
    p = workers[kind]
    p.replies[cmd] = {"result": "error", "code": code, "message": "refused"}
    assert error_of(ctl.request(method, path, body), code) == "refused"
    assert p.commands == [cmd]


@pytest.mark.parametrize("method,path,body,error", [
    ("POST", "/v1/vfs/9/components",
     {"name": "f", "core": 2, "type": "forward"}, "vf 9 is not connected"),
    ("DELETE", "/v1/vfs/9/components/f", None, "vf 9 is not connected"),
    ("PUT", "/v1/vfs/9/classifier_table", {}, "vf 9 is not connected"),
    ("POST", "/v1/mirrors/1/components",
     {"name": "m", "core": 2, "type": "mirror"},
     "mirror 1 is not connected (client id 1 is a vf)"),
    ("PUT", "/v1/mirrors/3/components/m/ports", {},
     "mirror 3 is not connected (client id 3 is a pcap)"),
    ("PUT", "/v1/pcaps/2/capture", {"action": "start"},
     "pcap 2 is not connected (client id 2 is a mirror)"),
])
def test_not_connected(ctl, workers, method, path, body, error):
    assert error_of(ctl.request(method, path, body), 404) == error
    assert no_commands(workers)


@pytest.mark.parametrize("method,path,allow", [
    ("GET", VF + "/components", "POST"),
    ("PUT", MIRROR + "/components", "POST"),
    ("GET", VF + "/components/fwd1", "DELETE"),
    ("POST", MIRROR + "/components/m/ports", "PUT"),
    ("GET", VF + "/classifier_table", "PUT"),
    ("POST", PCAP + "/capture", "PUT"),
])
def test_wrong_method(ctl, workers, method, path, allow):
    r = ctl.request(method, path, data=b"{}")
    assert error_of(r, 405) == \
        "method %s is not allowed on %s (allowed: %s)" % (method, path, allow)
    assert r.headers["Allow"] == allow
    assert no_commands(workers)


@pytest.mark.parametrize("path", [
    MIRROR + "/classifier_table", PCAP + "/components", VF + "/capture",
    MIRROR + "/capture", VF + "/components/f/ports/x",
    VF + "/components/f/bogus",
])
def test_no_such_path(ctl, workers, path):
    assert error_of(ctl.put(path, {}), 404) == "no such path: " + path


# --- bad requests: 400, nothing sent --------------------------------------

@pytest.mark.parametrize("method,path", [
    ("POST", VF + "/components"), ("POST", MIRROR + "/components"),
    ("PUT", VF + "/components/f/ports"),
    ("PUT", MIRROR + "/components/f/ports"),
    ("PUT", VF + "/classifier_table"), ("PUT", PCAP + "/capture"),
])
@pytest.mark.parametrize("data,error", [
    (b"", "a JSON object body is required"),
    (b"{bad", "invalid JSON: "),
    (b"[]", "body must be a JSON object, not an array"),
    (b"1.5", "body must be a JSON object, not a real number"),
])
def test_bad_body(ctl, workers, method, path, data, error):
    assert error_of(ctl.request(method, path, data=data), 400) \
        .startswith(error)
    assert no_commands(workers)


VF_TYPES = "expected forward, merge or classifier"
COMPONENT_ERRORS = [
    ({}, "missing keys 'name', 'core', 'type'"),
    ({"name": "f"}, "missing keys 'core', 'type'"),
    ({"name": "f", "core": 2}, "missing key 'type'"),
    ({"core": 2, "type": "forward"}, "missing key 'name'"),
    ({"name": "f", "core": 2, "type": "forward", "x": 1},
     "unknown key 'x' (expected name, core, type, copy)"),
    ({"name": 1, "core": 2, "type": "forward"},
     "'name' must be a string, not a number"),
    ({"name": "f", "core": "two", "type": "forward"},
     "'core' must be an integer, not the string 'two'"),
    ({"name": "f", "core": "2.0", "type": "forward"},
     "'core' must be an integer, not the string '2.0'"),
    ({"name": "f", "core": "", "type": "forward"},
     "'core' must be an integer, not the string ''"),
    ({"name": "f", "core": 2.0, "type": "forward"},
     "'core' must be an integer (or a string holding one), not a real "
     "number"),
    ({"name": "f", "core": True, "type": "forward"},
     "'core' must be an integer (or a string holding one), not a boolean"),
    ({"name": "f", "core": None, "type": "forward"},
     "'core' must be an integer (or a string holding one), not null"),
    ({"name": "f", "core": "99999999999999999999", "type": "forward"},
     "'core' is out of range: '99999999999999999999'"),
    ({"name": "f", "core": 2, "type": ["forward"]},
     "'type' must be a string, not an array"),
    ({"name": "f", "core": 128, "type": "forward"},
     "lcore 128 out of range 0-127"),
    ({"name": "f", "core": 1 << 62, "type": "forward"},
     "lcore %d out of range 0-127" % (1 << 62)),
    ({"name": "f", "core": -1, "type": "forward"},
     "invalid lcore '-1', expected 0-127"),
    ({"name": "", "core": 2, "type": "forward"},
     "'name' must be one word without blanks, got ''"),
    ({"name": "f 2 forward", "core": 2, "type": "forward"},
     "'name' must be one word without blanks, got 'f 2 forward'"),
    ({"name": "f\t", "core": 2, "type": "forward"},
     "'name' must be one word without blanks, got 'f\t'"),
    ({"name": "f", "core": 2, "type": "forward x"},
     "'type' must be one word without blanks, got 'forward x'"),
    ({"name": "f.1", "core": 2, "type": "forward"},
     "invalid component name 'f.1': expected letters, digits, '_' and '-'"),
    ({"name": "x" * 32, "core": 2, "type": "forward"},
     "component name '%s' is longer than 31 characters" % ("x" * 32)),
]


@pytest.mark.parametrize("body,error", COMPONENT_ERRORS + [
    ({"name": "f", "core": 2, "type": "fwd"},
     "unknown component type 'fwd', " + VF_TYPES),
    ({"name": "f", "core": 2, "type": "mirror"},
     "component type 'mirror' is not supported by vf, " + VF_TYPES),
    ({"name": "f", "core": 2, "type": "forward", "copy": "deep"},
     "a copy mode ('deep') is for mirror components only"),
])
def test_bad_vf_component(ctl, workers, body, error):
    assert error_of(ctl.post(VF + "/components", body), 400) == error
    assert no_commands(workers)


@pytest.mark.parametrize("body,error", COMPONENT_ERRORS[:4] + [
    ({"name": "m", "core": 2, "type": t},
     "component type '%s' is not supported by mirror, expected mirror" % t)
    for t in ("forward", "merge", "classifier", "classifier_mac")] + [
    ({"name": "m", "core": 2, "type": "mirrors"},
     "unknown component type 'mirrors', expected mirror"),
    ({"name": "m", "core": 2, "type": "mirror", "copy": "fast"},
     "unknown copy mode 'fast', expected auto, deep or shallow"),
    ({"name": "m", "core": 2, "type": "mirror", "copy": 1},
     "'copy' must be a string, not a number"),
])
def test_bad_mirror_component(ctl, workers, body, error):
    assert error_of(ctl.post(MIRROR + "/components", body), 400) == error
    assert no_commands(workers)


@pytest.mark.parametrize("base", [VF, MIRROR])
@pytest.mark.parametrize("name,error", [
    ("f.1", "invalid component name 'f.1': expected letters, digits, '_' "
            "and '-'"),
    ("f%20x", "component name must be one word without blanks, got 'f x'"),
    ("x" * 32, "component name '%s' is longer than 31 characters" %
     ("x" * 32)),
])
def test_bad_component_name_in_path(ctl, workers, base, name, error):
    path = base + "/components/" + name
    assert error_of(ctl.delete(path), 400) == error
    body = {"action": "attach", "port": "ring:0", "dir": "rx"}
    assert error_of(ctl.put(path + "/ports", body), 400) == error
    assert no_commands(workers)


def test_no_command_smuggled_in_path(ctl, workers):
    """A name with blanks cannot add words to the command line."""
    r = ctl.put(VF + "/components/f%20add_vlantag%201%202/ports",
                {"action": "attach", "port": "ring:0", "dir": "rx"})
    assert error_of(r, 400) == ("component name must be one word without "
                                "blanks, got 'f add_vlantag 1 2'")
    assert no_commands(workers)


ATTACH = {"action": "attach", "port": "ring:0", "dir": "rx"}
PORT_ERRORS = [
    ({}, "missing keys 'action', 'port', 'dir'"),
    ({"action": "attach", "port": "ring:0"}, "missing key 'dir'"),
    (dict(ATTACH, action="add"),
     "unknown action 'add' (expected 'attach' or 'detach')"),
    (dict(ATTACH, action=1), "'action' must be a string, not a number"),
    (dict(ATTACH, port="ring:x"),
     "port: invalid port number in 'ring:x', expected 0-1023"),
    (dict(ATTACH, port=0), "'port' must be a string, not a number"),
    (dict(ATTACH, dir="rxx"), "expected rx or tx, got 'rxx'"),
    (dict(ATTACH, dir="RX"), "expected rx or tx, got 'RX'"),
    (dict(ATTACH, dir=""), "'dir' must be one word without blanks, got ''"),
    (dict(ATTACH, dir="rx tx"),
     "'dir' must be one word without blanks, got 'rx tx'"),
    (dict(ATTACH, dir=None), "'dir' must be a string, not null"),
    (dict(ATTACH, extra=1),
     "unknown key 'extra' (expected action, port, dir, vlan)"),
    (dict(ATTACH, vlan="add"), "'vlan' must be an object, not a string"),
    (dict(ATTACH, vlan=[]), "'vlan' must be an object, not an array"),
    (dict(ATTACH, vlan={"id": 1, "pcp": 1}), "missing key 'vlan.operation'"),
    (dict(ATTACH, vlan={"operation": "push"}),
     "unknown vlan.operation 'push' (expected 'none' or 'add' or 'del')"),
    (dict(ATTACH, vlan={"operation": 1}),
     "'vlan.operation' must be a string, not a number"),
    (dict(ATTACH, vlan={"operation": "none", "tpid": 0x8100}),
     "unknown key 'vlan.tpid' (expected operation, id, pcp)"),
]


@pytest.mark.parametrize("body,error", PORT_ERRORS + [
    (dict(ATTACH, vlan={"operation": "add"}),
     "missing keys 'vlan.id', 'vlan.pcp'"),
    (dict(ATTACH, vlan={"operation": "add", "id": 1}),
     "missing key 'vlan.pcp'"),
    (dict(ATTACH, vlan={"operation": "add", "id": "none", "pcp": "none"}),
     "'vlan.id' must be an integer, not the string 'none'"),
    (dict(ATTACH, vlan={"operation": "add", "id": 1, "pcp": 0.5}),
     "'vlan.pcp' must be an integer (or a string holding one), not a real "
     "number"),
    (dict(ATTACH, vlan={"operation": "add", "id": 4096, "pcp": 0}),
     "VLAN id 4096 out of range 0-4095"),
    (dict(ATTACH, vlan={"operation": "add", "id": -1, "pcp": 0}),
     "invalid VLAN id '-1', expected 0-4095"),
    (dict(ATTACH, vlan={"operation": "add", "id": 1, "pcp": 8}),
     "VLAN PCP 8 out of range 0-7"),
])
def test_bad_vf_ports(ctl, workers, body, error):
    r = ctl.put(VF + "/components/fwd1/ports", body)
    assert error_of(r, 400) == error
    assert no_commands(workers)


@pytest.mark.parametrize("body,error", PORT_ERRORS + [
    (dict(ATTACH, vlan={"operation": "add", "id": 1, "pcp": 1}),
     "add_vlantag is not supported by mirror"),
    (dict(ATTACH, vlan={"operation": "del"}),
     "del_vlantag is not supported by mirror"),
])
def test_bad_mirror_ports(ctl, workers, body, error):
    r = ctl.put(MIRROR + "/components/mr1/ports", body)
    assert error_of(r, 400) == error
    assert no_commands(workers)


CLS = {"action": "add", "type": "mac", "mac_address": MAC, "port": "ring:0"}
CLS_VLAN = dict(CLS, type="vlan", vlan=101)


@pytest.mark.parametrize("body,error", [
    ({}, "missing keys 'action', 'type', 'mac_address', 'port'"),
    ({"action": "add", "type": "vlan", "vlan": 1},
     "missing keys 'mac_address', 'port'"),
    (dict(CLS, action="set"), "unknown action 'set' (expected 'add' or 'del')"),
    (dict(CLS, type="ip"), "unknown type 'ip' (expected 'mac' or 'vlan')"),
    (dict(CLS, type=None), "'type' must be a string, not null"),
    (dict(CLS, extra=1), "unknown key 'extra' (expected action, type, vlan, "
                         "mac_address, port)"),
    (dict(CLS, type="vlan"), "missing key 'vlan'"),
    (dict(CLS, vlan=101), "'vlan' is only for type vlan"),
    (dict(CLS_VLAN, vlan="x101"),
     "'vlan' must be an integer, not the string 'x101'"),
    (dict(CLS_VLAN, vlan="4096"), "VLAN id 4096 out of range 0-4095"),
    (dict(CLS_VLAN, vlan=101.0),
     "'vlan' must be an integer (or a string holding one), not a real "
     "number"),
    (dict(CLS_VLAN, vlan=4096), "VLAN id 4096 out of range 0-4095"),
    (dict(CLS_VLAN, vlan=-2), "invalid VLAN id '-2', expected 0-4095"),
    (dict(CLS, mac_address="zz"),
     "invalid MAC address 'zz', expected XX:XX:XX:XX:XX:XX or default"),
    (dict(CLS_VLAN, mac_address="52:54:00:01:00"),
     "invalid MAC address '52:54:00:01:00', expected XX:XX:XX:XX:XX:XX or "
     "default"),
    (dict(CLS, mac_address="Default"),
     "invalid MAC address 'Default', expected XX:XX:XX:XX:XX:XX or default"),
    (dict(CLS, mac_address=MAC + " ring:1"),
     "'mac_address' must be one word without blanks, got '%s ring:1'" % MAC),
    (dict(CLS, mac_address=0x525400010001),
     "'mac_address' must be a string, not a number"),
    (dict(CLS, port="ring"), "port: invalid port id 'ring', expected TYPE:N"),
])
def test_bad_classifier_table(ctl, workers, body, error):
    assert error_of(ctl.put(VF + "/classifier_table", body), 400) == error
    assert no_commands(workers)


@pytest.mark.parametrize("body,error", [
    ({}, "missing key 'action'"),
    ({"action": "restart"},
     "unknown action 'restart' (expected 'start' or 'stop')"),
    ({"action": "Start"},
     "unknown action 'Start' (expected 'start' or 'stop')"),
    ({"action": True}, "'action' must be a string, not a boolean"),
    ({"action": "start", "file": "x"}, "unknown key 'file' (expected action)"),
])
def test_bad_capture(ctl, workers, body, error):
    assert error_of(ctl.put(PCAP + "/capture", body), 400) == error
    assert no_commands(workers)
