# SPDX-License-Identifier: BSD-3-Clause
"""Judging: which ratios between a contender and its anchors are compared
with their targets and which are not comparable, and which round of
contenders is kept."""

from .base import CFG, log, run_contender, slowdown, slowed, spread


STEADY_MODES = ("near", "far", "very-far")


def mode_of(res):
    return res.get("xcore", {}).get("mode")


def disturbed(res):
    """Why the figure res is not to be compared (the host slowed the
    forwarding CPU around it, or its windows vary by more than
    CFG.spread_threshold: something changed during it), or None. The
    probes around a figure do not see every slow-down during it, and a
    figure with steady windows may still sit between two slowed probes:
    either is enough."""
    if slowed(res):
        return "CPU slowed %.2fx" % slowdown(res)
    x = spread(res)
    if x is not None and x > CFG.spread_threshold:
        return "windows vary by %.0f%%" % (100 * x)
    return None


# -- scenarios --------------------------------------------------------------
def ratio(ours, anchor):
    return round(ours["mpps"] / anchor["mpps"], 3) if anchor.get("mpps") \
        else None


def row(name, desc, ours, anchors, targets=None, cross_core=False,
        notes="", compare_modes=None):
    """compare_modes (default: cross_core): the anchors cross cores too,
    so a ratio is judged only when both ran in the same steady mode."""
    r = {"scenario": name, "desc": desc, "ours": ours, "anchors": anchors,
         "ratios": {a["who"]: ratio(ours, a) for a in anchors
                    if "mpps" in a},
         "targets": targets or {}, "cross_core": cross_core,
         "notes": notes}
    r["met"] = {k: (r["ratios"].get(k) is not None and
                    r["ratios"][k] >= v) for k, v in r["targets"].items()}
    # a ratio of figures taken in different core-to-core modes, or with
    # the forwarding CPU slowed by the host, says more about the machine
    # than about the contenders
    why = {}
    for a in anchors:
        if "mpps" not in a or "mpps" not in ours:
            continue
        if (cross_core if compare_modes is None else compare_modes) and \
                (mode_of(a) != mode_of(ours) or
                 mode_of(ours) not in STEADY_MODES):
            why[a["who"]] = "modes differ or changed"
        else:
            bad = next((x for x in (ours, a) if disturbed(x)), None)
            if bad is not None:
                why[a["who"]] = "%s: %s" % (bad["who"], disturbed(bad))
    r["not_comparable"] = sorted(why)
    r["not_comparable_why"] = why
    for k in why:
        r["met"].pop(k, None)
    return r


def comparable_rounds(contenders, want=None, cross_core=True, speed=True):
    """Run the contenders [(who, fn)] back to back, up to CFG.rounds
    rounds, and keep the first round whose figures compare: none taken
    with the forwarding CPU slowed by the host, and for cross-core figures
    (which depend on the VM's core-to-core mode) all in one steady mode
    (`want`, if given: the mode of figures this round is compared with).
    Else the last round in which every figure is clean on its own (a
    steady mode, CPU not slowed), else the last round. Returns the kept
    round's results, each with every round's figures in "rounds"."""
    def clean(x):
        return not disturbed(x) and \
            (not cross_core or mode_of(x) in STEADY_MODES)

    def agree(rr):
        modes = {mode_of(x) for x in rr}
        return all(clean(x) for x in rr) and \
            (not cross_core or len(modes) == 1 and
             (want is None or modes == {want}))

    rounds = []
    for _ in range(CFG.rounds):
        res = [run_contender(who, fn, speed) for who, fn in contenders]
        rounds.append(res)
        if agree(res):
            break
        log("figures do not compare (modes %s%s; %s): another round" % (
            ", ".join(sorted(str(mode_of(x)) for x in res)),
            "; want " + want if want else "",
            ", ".join("%s %s" % (x["who"], disturbed(x) or "steady")
                      for x in res)))
    keep = next((rr for rr in reversed(rounds) if agree(rr)), None) or \
        next((rr for rr in reversed(rounds)
              if all(clean(x) for x in rr)), rounds[-1])
    for r in keep:
        r["rounds"] = [{"mpps": x.get("mpps"), "mode": mode_of(x),
                        "cpu_slowdown": slowdown(x),
                        "disturbed": disturbed(x)}
                       for rr in rounds for x in rr if x["who"] == r["who"]]
    return keep
