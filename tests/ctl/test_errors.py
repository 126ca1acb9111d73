# SPDX-License-Identifier: BSD-3-Clause
"""Bad requests: a clear 4xx, nothing sent to any process, no crash."""

import pytest

from sppfake import error_of


@pytest.fixture
def both(primary, nfv):
    """A primary and nfv 1; after the test, neither got any command."""
    yield primary, nfv
    assert primary.commands == []
    assert nfv.commands == []


@pytest.mark.parametrize("path", [
    "/v1", "/v1/", "/v2/processes", "/v1/process", "/v1/processes/x",
    "/v1//processes", "/v1/nfvs", "/v1/nfvs/1/bogus", "/v1/nfvs/1/ports/x",
    "/v1/primary/bogus", "/v1/vfs/1/bogus", "/v1/pcaps/1/components",
    "/x" * 20,
])
def test_unknown_path(ctl, both, path):
    assert error_of(ctl.get(path), 404) == "no such path: " + path


def test_trailing_slash_is_the_same_path(ctl, both):
    assert ctl.get("/v1/processes/").json() == [
        {"type": "primary"}, {"type": "nfv", "client-id": 1}]


@pytest.mark.parametrize("method,path,allow", [
    ("POST", "/v1/processes", "GET"),
    ("DELETE", "/v1/cpu_layout", "GET"),
    ("GET", "/v1/primary/forward", "PUT"),
    ("POST", "/v1/primary/ports", "PUT"),
    ("PUT", "/v1/primary/status", "GET, DELETE"),
    ("GET", "/v1/primary/patches", "PUT, DELETE"),
    ("PUT", "/v1/nfvs/1", "GET, DELETE"),
    ("PATCH", "/v1/nfvs/1/forward", "PUT"),
    ("GET", "/v1/primary", "DELETE"),
    ("GET", "/v1/vfs/1/components", "POST"),
])
def test_wrong_method(ctl, both, method, path, allow):
    r = ctl.request(method, path, data=b"{}")
    err = error_of(r, 405)
    assert err == "method %s is not allowed on %s (allowed: %s)" % (
        method, path, allow)
    assert r.headers["Allow"] == allow


@pytest.mark.parametrize("method,path,body,error", [
    ("GET", "/v1/nfvs/3", None, "nfv 3 is not connected"),
    ("DELETE", "/v1/nfvs/3", None, "nfv 3 is not connected"),
    ("PUT", "/v1/nfvs/3/forward", {"action": "start"},
     "nfv 3 is not connected"),
    ("GET", "/v1/vfs/1", None,
     "vf 1 is not connected (client id 1 is a nfv)"),
    ("GET", "/v1/mirrors/2", None, "mirror 2 is not connected"),
    ("DELETE", "/v1/pcaps/1023", None, "pcap 1023 is not connected"),
])
def test_process_not_connected(ctl, both, method, path, body, error):
    assert error_of(ctl.request(method, path, body), 404) == error


@pytest.mark.parametrize("method,path", [
    ("GET", "/v1/primary/status"), ("DELETE", "/v1/primary/status"),
    ("DELETE", "/v1/primary"), ("DELETE", "/v1/primary/patches"),
])
def test_primary_not_connected(ctl, nfv, method, path):
    assert error_of(ctl.request(method, path), 404) == \
        "primary is not connected"
    assert nfv.commands == []


def test_primary_not_connected_with_body(ctl):
    r = ctl.put("/v1/primary/forward", {"action": "start"})
    assert error_of(r, 404) == "primary is not connected"


@pytest.mark.parametrize("kind,path,id_", [
    ("nfv", "/v1/nfvs/abc", "abc"),
    ("nfv", "/v1/nfvs/0", "0"),
    ("nfv", "/v1/nfvs/1024", "1024"),
    ("nfv", "/v1/nfvs/01", "01"),
    ("nfv", "/v1/nfvs/-1", "-1"),
    ("nfv", "/v1/nfvs/+1", "+1"),
    ("nfv", "/v1/nfvs/1x/forward", "1x"),
    ("nfv", "/v1/nfvs/99999999999999999999999", "99999999999999999999999"),
    ("vf", "/v1/vfs/x", "x"),
    ("mirror", "/v1/mirrors/1.5", "1.5"),
    ("pcap", "/v1/pcaps/%20", " "),
])
def test_bad_id_in_path(ctl, both, kind, path, id_):
    method = "PUT" if path.endswith("forward") else "GET"
    r = ctl.request(method, path, {"action": "start"})
    assert error_of(r, 400) == \
        "invalid %s id '%s' in path, expected 1-1023" % (kind, id_)


BODY_PATHS = ["/v1/primary/forward", "/v1/nfvs/1/forward",
              "/v1/primary/ports", "/v1/nfvs/1/ports",
              "/v1/primary/patches", "/v1/nfvs/1/patches",
              "/v1/primary/launch"]


@pytest.mark.parametrize("path", BODY_PATHS)
@pytest.mark.parametrize("data,error", [
    (b"", "a JSON object body is required"),
    (b"{bad", "invalid JSON: string or '}' expected near 'bad' "
              "(line 1, column 4)"),
    (b'{"action": "start"', "invalid JSON: "),
    (b'{"action": "start"} x', "invalid JSON: end of file expected"),
    (b'{"a": 1, "a": 2}', "invalid JSON: duplicate object key"),
    (b'{"action": "\xff"}', "invalid JSON: "),
    (b'{"action": "a\\u0000b"}', "invalid JSON: "),
    (b"[]", "body must be a JSON object, not an array"),
    (b"1", "body must be a JSON object, not a number"),
    (b'"start"', "body must be a JSON object, not a string"),
    (b"null", "body must be a JSON object, not null"),
    (b"true", "body must be a JSON object, not a boolean"),
])
def test_bad_body(ctl, both, path, data, error):
    err = error_of(ctl.put(path, data=data), 400)
    assert err.startswith(error)


@pytest.mark.parametrize("base", ["/v1/primary", "/v1/nfvs/1"])
@pytest.mark.parametrize("body,error", [
    ({}, "missing key 'action'"),
    ({"action": "restart"},
     "unknown action 'restart' (expected 'start' or 'stop')"),
    ({"action": "Stop"}, "unknown action 'Stop' (expected 'start' or 'stop')"),
    ({"action": ""}, "unknown action '' (expected 'start' or 'stop')"),
    ({"action": 1}, "'action' must be a string, not a number"),
    ({"action": None}, "'action' must be a string, not null"),
    ({"action": ["start"]}, "'action' must be a string, not an array"),
    ({"action": "start", "force": True},
     "unknown key 'force' (expected action)"),
])
def test_bad_forward(ctl, both, base, body, error):
    assert error_of(ctl.put(base + "/forward", body), 400) == error


PORT_ERRORS = [
    ({"port": "ring:0"}, "missing key 'action'"),
    ({"action": "add"}, "missing key 'port'"),
    ({"action": "attach", "port": "ring:0"},
     "unknown action 'attach' (expected 'add' or 'del')"),
    ({"action": "add", "port": 0}, "'port' must be a string, not a number"),
    ({"action": "add", "port": {"type": "ring"}},
     "'port' must be a string, not an object"),
    ({"action": "add", "port": ""}, "port: empty port id, expected TYPE:N"),
    ({"action": "add", "port": "ring"},
     "port: invalid port id 'ring', expected TYPE:N"),
    ({"action": "add", "port": "ring:x"},
     "port: invalid port number in 'ring:x', expected 0-1023"),
    ({"action": "add", "port": "ring:1024"},
     "port: invalid port number in 'ring:1024', expected 0-1023"),
    ({"action": "add", "port": "ring:-1"},
     "port: invalid port number in 'ring:-1', expected 0-1023"),
    ({"action": "add", "port": "ring:01"},
     "port: invalid port number in 'ring:01', expected 0-1023"),
    ({"action": "add", "port": "ring: 1"},
     "port: invalid port number in 'ring: 1', expected 0-1023"),
    ({"action": "add", "port": "ring:1 "},
     "port: trailing characters ' ' in port id"),
    ({"action": "add", "port": "phy:0  nq 1"},
     "port: trailing characters '  nq 1' in port id"),
    ({"action": "add", "port": "ring:1nq1"},
     "port: trailing characters 'nq1' in port id"),
    ({"action": "add", "port": "eth:1"},
     "port: unknown port type 'eth' in 'eth:1' (phy, ring, vhost, pcap, "
     "nullpmd, memif, tap, pipe)"),
    ({"action": "add", "port": "ring:1", "extra": 1},
     "unknown key 'extra' (expected action, port)"),
]


@pytest.mark.parametrize("body,error", PORT_ERRORS + [
    ({"action": "add", "port": "pipe:0", "rx": "ring:0", "tx": "ring:1"},
     "unknown key 'rx' (expected action, port)"),
])
def test_bad_nfv_ports(ctl, both, body, error):
    assert error_of(ctl.put("/v1/nfvs/1/ports", body), 400) == error


PIPE_ONLY = ("'rx' and 'tx' are only for adding a pipe: {\"action\":\"add\","
             "\"port\":\"pipe:N\",\"rx\":\"ring:A\",\"tx\":\"ring:B\"}")


@pytest.mark.parametrize("body,error", [
    (b, e.replace("(expected action, port)", "(expected action, port, rx, tx)"))
    for b, e in PORT_ERRORS] + [
    ({"action": "add", "port": "pipe:0", "rx": "ring:0"},
     "missing key 'tx'"),
    ({"action": "add", "port": "pipe:0", "tx": "ring:0"},
     "missing key 'rx'"),
    ({"action": "add", "port": "pipe:0", "rx": "ring:0", "tx": "ring:x"},
     "tx: invalid port number in 'ring:x', expected 0-1023"),
    ({"action": "add", "port": "pipe:0", "rx": "phy:0", "tx": "ring:1"},
     "a pipe is made of two rings: add pipe:N ring:A ring:B"),
    ({"action": "del", "port": "pipe:0", "rx": "ring:0", "tx": "ring:1"},
     PIPE_ONLY),
    ({"action": "add", "port": "ring:0", "rx": "ring:0", "tx": "ring:1"},
     PIPE_ONLY),
])
def test_bad_primary_ports(ctl, both, body, error):
    assert error_of(ctl.put("/v1/primary/ports", body), 400) == error


@pytest.mark.parametrize("base", ["/v1/primary", "/v1/nfvs/1"])
@pytest.mark.parametrize("body,error", [
    ({"src": "phy:0"}, "missing key 'dst'"),
    ({"dst": "phy:0"}, "missing key 'src'"),
    ({"src": "phy:0", "dst": "ring:0", "action": "add"},
     "unknown key 'action' (expected src, dst, lcore)"),
    ({"src": "phy:x", "dst": "ring:0"},
     "src: invalid port number in 'phy:x', expected 0-1023"),
    ({"src": "phy:0", "dst": "bad"},
     "dst: invalid port id 'bad', expected TYPE:N"),
    ({"src": "phy:0", "dst": 1}, "'dst' must be a string, not a number"),
])
def test_bad_patches(ctl, both, base, body, error):
    assert error_of(ctl.put(base + "/patches", body), 400) == error


@pytest.mark.parametrize("method,path", [
    ("POST", "/v1/primary/flow_rules/port_id/0/validate"),
    ("POST", "/v1/primary/flow_rules/port_id/0"),
    ("DELETE", "/v1/primary/flow_rules/port_id/0"),
    ("DELETE", "/v1/primary/flow_rules/3/port_id/0"),
])
def test_flow_rules_not_supported(ctl, both, method, path):
    r = ctl.request(method, path, {"rule": {}})
    assert error_of(r, 400) == "flow rules are not supported yet"


def test_body_too_large(ctl, both):
    big = b'{"action": "' + b"x" * (2 << 20) + b'"}'
    r = ctl.put("/v1/nfvs/1/forward", data=big)
    assert error_of(r, 413) == "request body larger than 1048576 bytes"
    # a body of exactly the limit is read
    edge = b'{"action":"' + b"x" * ((1 << 20) - 13) + b'"}'
    assert len(edge) == 1 << 20
    r = ctl.put("/v1/nfvs/1/forward", data=edge)
    assert error_of(r, 400).startswith("unknown action 'xxx")
    # still serving
    assert ctl.put("/v1/nfvs/1/forward", data=big + b" ").status_code == 413


def test_body_too_large_chunked(ctl, both):
    def chunks():
        for _ in range(40):
            yield b"x" * 65536
    r = ctl.put("/v1/nfvs/1/forward", data=chunks())
    assert error_of(r, 413) == "request body larger than 1048576 bytes"


def test_body_ignored_where_none_is_expected(ctl, primary):
    r = ctl.request("DELETE", "/v1/primary/patches", data=b"{not json")
    assert r.status_code == 204
    assert primary.commands == ["patch reset"]


def test_still_serving_after_bad_requests(ctl, both):
    for data in (b"\x00" * 100, b"{" * 10000, b"[" * 100000):
        assert ctl.put("/v1/nfvs/1/forward", data=data).status_code == 400
    assert ctl.processes() == [{"type": "primary"},
                               {"type": "nfv", "client-id": 1}]
