#!/usr/bin/python3
"""studies/notebook.py - writes docs/notebook.md from a study's comparison.json.

    python3 studies/notebook.py [studies/cs262/comparison.json] [docs/notebook.md]
                                [--commit HASH]

Every number of the notebook comes from comparison.json (lclock compare,
docs/compare.md): the tables, the quantitative model held against each
run, and the sentences of the discussion, whose comparative words
("lower", "grew") are chosen from the numbers. A claim the data no longer
supports is printed as such, never silently kept. Python 3 from Debian,
standard library only.
"""
import json
import math
import os
import sys

# ---------------------------------------------------------------------------
#  Reading

def load(path):
    with open(path) as f:
        data = json.load(f)
    conditions = {c["name"]: c for c in data["conditions"]}
    runs = {}
    for run in data["runs"]:
        if run["ok"]:
            runs.setdefault(run["condition"], []).append(run)
    return data, conditions, runs


def fig(conditions, name, key):
    """mean and sd of a figure of a condition (None when absent)"""
    c = conditions.get(name)
    if not c:
        return None, None
    f = c["figures"][key]
    return f["mean"], f["sd"]


def pm(mean, sd, digits=3):
    if mean is None:
        return "-"
    if sd is None:
        return num(mean, digits)
    return f"{num(mean, digits)} ± {num(sd, 2)}"


def num(x, digits=3):
    if x is None:
        return "-"
    if abs(x) >= 10 ** digits:
        return f"{x:.0f}"
    return f"{x:.{digits}g}"


def mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def sd(values):
    values = [v for v in values if v is not None]
    if len(values) < 2:
        return None
    m = mean(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))

# ---------------------------------------------------------------------------
#  The quantitative model (docs/notebook.md, "The model")

def per_peer(K, N):
    """messages to one given peer per idle tick of a machine"""
    one = min(K, 2) / K          # rolls 1 and 2: one peer each
    every = (1 / K) if K >= 3 else 0.0   # roll 3: every peer
    return one / (N - 1) + every


def model(rates, K):
    """arrival rate, load, queue growth, mean jump and drift growth of each
    machine of a run with these rates and roll K, in model seconds"""
    N = len(rates)
    c = per_peer(K, N)
    idle = [1.0] * N
    for _ in range(500):
        lam = [c * sum(rates[i] * idle[i] for i in range(N) if i != j) for j in range(N)]
        new = [max(0.0, 1 - lam[j] / rates[j]) for j in range(N)]
        idle = [0.5 * a + 0.5 * b for a, b in zip(idle, new)]
    top = max(rates)
    out = []
    for j in range(N):
        rho = lam[j] / rates[j]
        if rho < 1:
            # bounded: it keeps up with the fastest clock, one tick at a time
            slope = top
            growth = 0.0
        else:
            # unbounded: it reads messages stamped ever longer ago
            slope = top * rates[j] / lam[j]
            growth = lam[j] - rates[j]
        out.append({"lam": lam[j], "rho": rho, "growth": growth, "idle": idle[j],
                    "jump": slope / rates[j], "drift": top - slope})
    return out


def held(conditions, runs, name):
    """the model against every machine of every run of a condition"""
    c = conditions.get(name)
    if not c:
        return []
    K = c["settings"]["roll"]
    T = c["settings"]["duration"]
    rows = []
    for run in runs.get(name, []):
        ms = sorted(run["machines"], key=lambda m: m["machine"])
        predicted = model([m["rate"] for m in ms], K)
        top = mean([m["jump_mean"] for m in ms if m["gap"] == 0])
        for m, p in zip(ms, predicted):
            rows.append({"rate": m["rate"], "gap": m["gap"], "p": p, "top": top,
                         "arrivals": (m["recv"] + m["queue_final"]) / T,
                         "growth": m["queue_growth"], "jump": m["jump_mean"],
                         "drift": m["drift_growth"], "run": run["seed"]})
    return rows


def loads(conditions, runs, name):
    return [r["p"]["rho"] for r in held(conditions, runs, name)]


def paired(runs, a, b, key):
    """mean relative difference |b - a| / a of a figure over the seeds both
    conditions ran (conditions are paired by their seeds)"""
    first = {r["seed"]: r["figures"][key] for r in runs.get(a, [])}
    diffs = [abs(r["figures"][key] - first[r["seed"]]) / first[r["seed"]]
             for r in runs.get(b, []) if first.get(r["seed"])]
    return mean(diffs), len(diffs)


def slowest(rows):
    """per run, the machine with the highest predicted load"""
    best = {}
    for r in rows:
        if r["run"] not in best or r["p"]["rho"] > best[r["run"]]["p"]["rho"]:
            best[r["run"]] = r
    return list(best.values())

# ---------------------------------------------------------------------------
#  Claims: a sentence is written only as the data has it

checks = []


def claim(ok, text, otherwise):
    checks.append((ok, text))
    return text if ok else f"**(no longer holds: {otherwise})**"


def more_or_less(a, b, more="higher", less="lower", same="the same"):
    if a is None or b is None:
        return "-"
    if abs(a - b) <= 0.02 * max(abs(a), abs(b), 1e-9):
        return same
    return more if a > b else less

# ---------------------------------------------------------------------------
#  The notebook

FIGURES = [("jump_mean", "mean jump"), ("jump_max", "max jump"),
           ("share_one", "+1 share"), ("drift_max", "max drift"),
           ("drift_growth_max", "drift growth /s"), ("queue_max", "max queue"),
           ("queue_growth_max", "queue growth /s"), ("unread", "unread"),
           ("clock_spread", "clock spread"), ("age_median", "age median (model ms)")]


def settings_text(c):
    s = c["settings"]
    rate = ",".join(map(str, s["rates"])) + " (fixed)" if s["rates"] else s["rate"]
    return (f"{s['machines']} | {rate} | {s['roll']} ({s['p_internal']:.2f}) | "
            f"{num(s['speed'])} | {c['compared']}")


def table_conditions(conditions):
    out = ["| condition | machines | rate | roll (P(internal)) | speed | runs | "
           + " | ".join(t for _, t in FIGURES) + " |",
           "|---|---|---|---|---|---|" + "---|" * len(FIGURES)]
    for name, c in conditions.items():
        cells = [pm(c["figures"][k]["mean"], c["figures"][k]["sd"]) for k, _ in FIGURES]
        out.append(f"| {name} | {settings_text(c)} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def table_model(conditions, runs):
    out = ["| condition | slowest machine's rate | arrivals /s: model / measured | "
           "queue growth /s: model / measured | mean jump: model / measured | "
           "drift growth /s: model / measured |",
           "|---|---|---|---|---|---|"]
    for name in conditions:
        rows = slowest(held(conditions, runs, name))
        if not rows:
            continue
        def pair(model_key, measured_key):
            a = mean([r["p"][model_key] for r in rows])
            b = mean([r[measured_key] for r in rows])
            return f"{num(a)} / {num(b)}"
        out.append(f"| {name} | {num(mean([r['rate'] for r in rows]))} | "
                   f"{pair('lam', 'arrivals')} | {pair('growth', 'growth')} | "
                   f"{pair('jump', 'jump')} | {pair('drift', 'drift')} |")
    return "\n".join(out)


def table_gap(conditions, runs, names):
    out = ["| condition | gap | machines | mean jump: model | measured (mean ± sd) |",
           "|---|---|---|---|---|"]
    for name in names:
        rows = held(conditions, runs, name)
        for gap in sorted({r["gap"] for r in rows}):
            at = [r for r in rows if r["gap"] == gap]
            out.append(f"| {name} | {gap} | {len(at)} | {num(mean([r['p']['jump'] for r in at]))} | "
                       f"{pm(mean([r['jump'] for r in at]), sd([r['jump'] for r in at]))} |")
    return "\n".join(out)


def model_errors(conditions, runs, names, key, measured):
    """relative error of the model's key against the measured, per machine"""
    errs = []
    for name in names:
        for r in held(conditions, runs, name):
            if r[measured] and r[measured] > 0:
                errs.append((r["p"][key] - r[measured]) / r[measured])
    return errs


def write(data, conditions, runs, commit, source, realideal=None, simulated=None):
    C = conditions
    F = lambda name, key: fig(C, name, key)
    lines = []
    w = lines.append
    base = "baseline"
    w("# Lab notebook: the cs262 study")
    w("")
    w(f"Written by `studies/notebook.py` from `{source}` (lclock {data['version']}"
      + (f"; the runs were made at commit {commit}" if commit else "")
      + f"): {data['runs_read']} runs read, "
      f"{data['runs_failed']} with failed checks, {data['runs_unreadable']} unreadable. "
      "Every number below comes from that file; regenerate with")
    w("")
    w("```sh")
    w("launch/study.sh studies/cs262.study          # the runs (docs/study.md)")
    w("python3 studies/notebook.py                  # this page")
    w("```")
    w("")
    w("Each condition ran 5 trials of 60 model seconds; trial t of every "
      "condition used seed 999 + t, so conditions with the same rate spec drew "
      "the same rates. Figures are mean ± sd over trials (sample sd). Jumps and "
      "drift are in clock ticks, queues in messages, growth per model second, "
      "message age in model milliseconds. The plots are in "
      "[../studies/cs262/](../studies/cs262/) (`compare-*.svg`), the full "
      "comparison in [comparison.md](../studies/cs262/comparison.md).")
    w("")
    w("## The conditions and what they gave")
    w("")
    w(table_conditions(C))
    w("")
    # ----------------------------------------------------------------- model
    w("## The model")
    w("")
    w("A machine of rate r ticks r times per model second. On a tick it takes "
      "one message if its buffer holds any; only on an idle tick does it roll "
      "1..K: 1 and 2 send to one peer, 3 to every peer. With N machines a "
      "given peer therefore gets, per idle tick of a sender, "
      "c = (2/K)/(N−1) + 1/K messages (2/K for three machines). If machine i is "
      "idle a share f_i of its ticks, machine j receives")
    w("")
    w("    λ_j = c · Σ_{i≠j} r_i f_i      messages per model second,")
    w("")
    w("and it takes at most r_j of them per second. Its load is ρ_j = λ_j / r_j. "
      "With ρ_j < 1 it is busy a share ρ_j of its ticks (f_j = 1 − ρ_j) and its "
      "queue stays bounded; with ρ_j ≥ 1 it never rolls again (f_j = 0) and its "
      "queue grows without bound at λ_j − r_j messages per second. The f_i are "
      "solved together (a fixed point) from each run's drawn rates.")
    w("")
    w("Clocks: the fastest machine's clock advances about r_max per second. A "
      "machine that keeps up (bounded queue) hears the fast clocks often and is "
      "pulled up to them, so over a run its clock also advances about r_max per "
      "second in r_j ticks: its **mean jump is r_max / r_j = 1 + gap / r_j**, "
      "gap = r_max − r_j, and its drift stays bounded. A machine whose queue "
      "grows reads messages stamped ever longer ago: it reads r_j per second of "
      "what arrived at λ_j per second, so its clock advances r_max · r_j / λ_j "
      "per second, its mean jump is r_max / λ_j, and its drift behind the "
      "fastest clock grows at r_max · (1 − r_j / λ_j) per second.")
    w("")
    w("Held against every run (per run, the machine with the highest predicted "
      "load; model / measured, means over the condition's runs; measured arrivals "
      "are the messages a machine received or left unread, over 60 s):")
    w("")
    w(table_model(C, runs))
    w("")
    w("Mean jump by rate gap (every machine of the 3-machine conditions with drawn "
      "rates):")
    w("")
    drawn3 = [n for n in C if C[n]["settings"]["machines"] == 3 and not C[n]["settings"]["rates"]]
    w(table_gap(C, runs, drawn3))
    w("")
    # where it misses: every statement from the numbers
    every = [r for n in C for r in held(C, runs, n)]
    bounded = [r for r in every if r["p"]["rho"] < 0.8]
    near = [r for r in every if 0.8 <= r["p"]["rho"] <= 1.2]
    over = [r for r in every if r["p"]["rho"] > 1.2]
    def rel(rows, key, measured):
        pairs = [(r["p"][key], r[measured]) for r in rows if r[measured]]
        return mean([(a - b) / b for a, b in pairs]) if pairs else None
    def ratio(rows, key, measured):
        pairs = [(r["p"][key], r[measured]) for r in rows if r["p"][key] > 0.01]
        return mean([b / a for a, b in pairs]) if pairs else None
    top = [r for r in bounded if r["gap"] == 0]
    slow = [r for r in bounded if r["gap"] > 0]
    w("### Where model and measurement agree, and where not")
    w("")
    w(f"Over {len(every)} machines of {data['runs_read'] - data['runs_failed']} runs: "
      f"{len(bounded)} with a predicted load ρ < 0.8, {len(near)} near 1 "
      f"(0.8..1.2), {len(over)} overrun (ρ > 1.2).")
    w("")
    lr = ratio(every, "lam", "arrivals")
    w(f"- **Arrivals** agree: measured arrivals are {lr:.2f} of the model's λ on "
      "average.")
    if over:
        gr = ratio(over, "growth", "growth")
        dr = ratio(over, "drift", "drift")
        w(f"- **Queue growth of overrun machines**: measured {gr:.2f} of λ − r on "
          f"average; **their drift growth**: measured {dr:.2f} of r_max · (1 − r/λ). "
          "The measured slopes are least-squares fits over the whole run, start "
          "included, and the other machines' idle share f is itself a prediction.")
    if near:
        ng = mean([r["growth"] for r in near])
        nd = mean([r["drift"] for r in near])
        w(f"- **Near ρ = 1 the model's yes/no answer is weakest**: the {len(near)} "
          f"machines there had a queue growth of {num(ng)} /s and a drift growth of "
          f"{num(nd)} /s on average where the model says 0 (below 1) or a small "
          "rate (above 1): with arrivals and ticks this close, the queue is a "
          "random walk that wanders for minutes, not a steady state.")
    if top:
        tm = mean([r["jump"] for r in top])
        w(f"- **The fastest machines** (gap 0) jump {num(tm)} on average where the "
          f"model says exactly 1: {more_or_less(tm, 1.0, 'more', 'less')} than the "
          "model, because the fastest clock is the maximum over several machines "
          "(two at the top rate push each other forward whenever one reads the "
          "other's message), and a machine that receives also moves past its own "
          "schedule.")
    def corrected(rows):
        """relative error of the jump model when the top clock's slope is
        r_max times the fastest machines' measured mean jump"""
        e = [(r["p"]["jump"] * r["top"] - r["jump"]) / r["jump"]
             for r in rows if r["top"] and r["jump"]]
        return mean(e)
    def above_below(x):
        return f"{num(100 * abs(x))} % {'above' if x > 0 else 'below'}"
    if slow:
        sr = rel(slow, "jump", "jump")
        sc = corrected(slow)
        w(f"- **Slower machines that keep up** (gap > 0, ρ < 0.8): the model's mean "
          f"jump r_max / r is {above_below(sr)} the measured on average. "
          + ("The top clock advances faster than r_max (the line above), and a "
             "slower machine is pulled up to the top clock, not to r_max: with "
             "r_max times the fastest machines' measured mean jump as the top "
             f"clock's rate, the model is {above_below(sc)} the measured."
             if sr < 0 else
             "The machine hears the fast clocks only on some ticks and ticks +1 "
             "in between, so its clock lags the top clock."))
    if over:
        orr = rel(over, "jump", "jump")
        oc = corrected(over)
        w(f"- **Overrun machines' mean jump**: the model's r_max / λ is "
          f"{above_below(orr)} the measured on average ({above_below(oc)} with the "
          "top clock's measured rate).")
    w("")
    # ----------------------------------------------------------- questions
    w("## The questions")
    w("")
    jm, js = F(base, "jump_mean")
    w("### 1. The baseline (rates 1-6, P(internal) = 0.7)")
    w("")
    w(f"Mean jump {pm(jm, js)}, max jump {pm(*F(base, 'jump_max'))}, "
      f"{pm(*F(base, 'share_one'))} of all jumps are +1. The largest drift is "
      f"{pm(*F(base, 'drift_max'))} ticks and the longest queue "
      f"{pm(*F(base, 'queue_max'))} messages; the final clocks end "
      f"{pm(*F(base, 'clock_spread'))} apart. The sd across trials is large because "
      "each trial draws its own rates: the figures of a run are set mostly by its "
      "slowest machine's rate against the fastest's.")
    gaps = {}
    for r in held(C, runs, base):
        gaps.setdefault(r["gap"], []).append(r["jump"])
    if gaps:
        g0, gmax = min(gaps), max(gaps)
        w("")
        w(claim(mean(gaps[gmax]) > mean(gaps[g0]),
                f"The big jumps are the slow machines': machines at the fastest rate "
                f"(gap 0) jump {num(mean(gaps[g0]))} on average, machines {gmax} "
                f"ticks/s below it jump {num(mean(gaps[gmax]))}.",
                "slow machines do not jump more than fast ones here"))
    w("")
    w("### 2. Smaller variation in clock rates (3-4, 5-6)")
    w("")
    for n in ("rates-3-4", "rates-5-6"):
        if n in C:
            a, _ = F(n, "jump_mean")
            w(f"- {n}: mean jump {pm(*F(n, 'jump_mean'))} "
              f"({more_or_less(a, jm)} than the baseline), max jump "
              f"{pm(*F(n, 'jump_max'))}, max drift {pm(*F(n, 'drift_max'))}, "
              f"max queue {pm(*F(n, 'queue_max'))}, +1 share {pm(*F(n, 'share_one'))}.")
    if "rates-3-4" in C:
        a, _ = F("rates-3-4", "jump_max")
        b, _ = F(base, "jump_max")
        w("")
        rhos = loads(C, runs, "rates-3-4")
        qg, _ = F("rates-3-4", "queue_growth_max")
        w(claim(a is not None and b is not None and a < b and rhos and max(rhos) < 1,
                f"With rates close together no machine falls far behind: the largest "
                f"jump drops from {num(b)} to {num(a)}, and no queue runs away "
                f"(largest queue growth {num(qg)} /s), because every machine can "
                f"take what the others send: the model's loads are at most "
                f"{num(max(rhos))} (ρ < 1 for all {len(rhos)} machines).",
                "narrow rates did not lower the largest jump, or some load reached 1"))
    w("")
    w("### 3. Fewer internal events (roll 5: P(internal) 0.4; roll 4: 0.25)")
    w("")
    for n in ("roll-5", "roll-4"):
        if n in C:
            a, _ = F(n, "queue_max")
            w(f"- {n}: max queue {pm(*F(n, 'queue_max'))} "
              f"({more_or_less(a, F(base, 'queue_max')[0])} than the baseline), queue "
              f"growth {pm(*F(n, 'queue_growth_max'))} /s, mean jump "
              f"{pm(*F(n, 'jump_mean'))}, +1 share {pm(*F(n, 'share_one'))}, max "
              f"drift {pm(*F(n, 'drift_max'))}, unread at the end "
              f"{pm(*F(n, 'unread'))}.")
    if "roll-4" in C:
        a, _ = F("roll-4", "queue_max")
        b, _ = F(base, "queue_max")
        w("")
        j4, _ = F("roll-4", "jump_mean")
        jb, _ = F(base, "jump_mean")
        d4, _ = F("roll-4", "drift_max")
        db, _ = F(base, "drift_max")
        over4 = sum(1 for x in loads(C, runs, "roll-4") if x >= 1)
        overb = sum(1 for x in loads(C, runs, base) if x >= 1)
        w(claim(a is not None and b is not None and a > b and d4 > db,
                f"Every idle tick now sends with probability 3/K: per peer c = 2/K "
                f"grows from 0.2 (roll 10) to 0.5 (roll 4), the same draws of rates "
                f"overrun more machines ({over4} of the roll-4 runs' machines have a "
                f"load ρ ≥ 1 against {overb} in the baseline), and queues, unread "
                f"messages and drift grow (max drift {num(db)} → {num(d4)}).",
                "fewer internal events did not lengthen the queues and the drift"))
        if j4 is not None and jb is not None:
            w("")
            w(claim(j4 < jb,
                    f"Yet the mean jump falls ({num(jb)} → {num(j4)}): an overrun "
                    "machine reads messages stamped ever longer ago, so it jumps "
                    "r_max / λ per tick instead of r_max / r, less the more it is sent. "
                    "Smaller jumps here mean a clock further behind, not a better "
                    "synchronized one: the drift says so.",
                    f"the mean jump did not fall ({num(jb)} → {num(j4)})"))
    w("")
    w("### 4. Both together (rates 3-4, roll 4)")
    w("")
    n = "rates-3-4-roll-4"
    if n in C:
        w(f"Mean jump {pm(*F(n, 'jump_mean'))}, max queue {pm(*F(n, 'queue_max'))}, "
          f"queue growth {pm(*F(n, 'queue_growth_max'))} /s, max drift "
          f"{pm(*F(n, 'drift_max'))}.")
        rhos = loads(C, runs, n)
        if rhos:
            w("")
            qb, _ = F("roll-4", "queue_max")
            q, _ = F(n, "queue_max")
            w(f"With three machines at 3-4 ticks/s and roll 4, c = 0.5 per peer: the "
              f"model's loads are {num(min(rhos))} to {num(max(rhos))} (mean "
              f"{num(mean(rhos))}). ")
            if max(rhos) < 1:
                w(claim(q is not None and qb is not None and q < qb,
                        "Every load stays below 1: two and a half times the messages "
                        "of the baseline, but no machine is slow enough to be overrun, "
                        f"so the queues stay short (the longest {num(q)} per run on average, against "
                        f"{num(qb)} with roll 4 and rates 1-6) and the drift bounded. "
                        "Narrow rates undo what fewer internal events do.",
                        "the queues were not shorter than with roll 4 alone"))
            else:
                w(f"Some loads reach 1: queues build up where they do "
                  f"({num(q)} at most).")
    w("")
    w("### 5. The extremes (fixed rates 1,6,6; 1,1,6; 6,6,6)")
    w("")
    for n in ("fixed-1-6-6", "fixed-1-1-6", "fixed-6-6-6"):
        if n in C:
            rows = slowest(held(C, runs, n))
            w(f"- {n}: max queue {pm(*F(n, 'queue_max'))}, queue growth "
              f"{pm(*F(n, 'queue_growth_max'))} /s (model "
              f"{num(mean([r['p']['growth'] for r in rows]))}), max drift "
              f"{pm(*F(n, 'drift_max'))}, drift growth {pm(*F(n, 'drift_growth_max'))} "
              f"/s (model {num(mean([r['p']['drift'] for r in rows]))}), mean jump "
              f"{pm(*F(n, 'jump_mean'))}, max jump {pm(*F(n, 'jump_max'))}.")
    w("")
    s166 = slowest(held(C, runs, "fixed-1-6-6"))
    s116 = slowest(held(C, runs, "fixed-1-1-6"))
    if s166 and s116:
        w(f"One machine at rate 1 among two at 6 is offered λ = 0.2 · 6 · (f_2 + f_3) "
          f"= {num(mean([r['p']['lam'] for r in s166]))} messages per second by the "
          f"model ({num(mean([r['arrivals'] for r in s166]))} measured) and can take "
          "1: its queue grows all run long, it reads ever older messages, and its "
          "drift grows at r_max · (1 − r/λ). Two machines at rate 1 with one at 6 "
          "share the fast machine's output and also send to each other, so each is "
          f"offered less (model {num(mean([r['p']['lam'] for r in s116]))}, measured "
          f"{num(mean([r['arrivals'] for r in s116]))}): a slower queue and a slower "
          "drift, but a mean jump of r_max / λ ≈ 5 per tick for the slow pair.")
    so, _ = F("fixed-6-6-6", "share_one")
    if so is not None:
        w("")
        l666 = loads(C, runs, "fixed-6-6-6")
        q666, _ = F("fixed-6-6-6", "queue_max")
        w(claim(l666 and max(l666) < 1 and q666 is not None and q666 < 5,
                f"With all rates equal nobody is overrun (loads at most "
                f"{num(max(l666) if l666 else None)}), queues stay at a message or two "
                f"({num(q666)} at most per run on average) and {num(100 * so)} % of the "
                "jumps are +1: the rest are ticks where a machine read a message "
                "from a peer a tick or two ahead (three clocks at the same rate "
                "still drift apart by a tick or two between messages).",
                "equal rates did not keep every load below 1 and the queues short"))
    w("")
    w("### 6. More machines (5, 10, 32; rates 1-6)")
    w("")
    for n in ("machines-5", "machines-10", "machines-32"):
        if n in C:
            w(f"- {n}: mean jump {pm(*F(n, 'jump_mean'))}, max jump "
              f"{pm(*F(n, 'jump_max'))}, max queue {pm(*F(n, 'queue_max'))}, queue "
              f"growth {pm(*F(n, 'queue_growth_max'))} /s, max drift "
              f"{pm(*F(n, 'drift_max'))}, late ticks {pm(*F(n, 'late_share'))}.")
    w("")
    w("Every machine rolls 3 (send to all) with probability 1/K, so what one "
      "machine is offered grows with the number of peers: Σ_{i≠j} c r_i f_i ≈ "
      "(N+1)/K · r̄ f for N machines of mean rate r̄ idle a share f.")
    shares = []
    for n in ("baseline", "machines-5", "machines-10", "machines-32"):
        rhos = loads(C, runs, n)
        if rhos:
            shares.append((n, sum(1 for x in rhos if x >= 1) / len(rhos), len(rhos)))
    if shares:
        w("The share of machines the model calls overrun (ρ ≥ 1): "
          + ", ".join(f"{n} {num(100 * x)} % of {k}" for n, x, k in shares) + ".")
        idle = [(n, mean([r["p"]["idle"] for r in held(C, runs, n) if r["gap"] == 0]))
                for n, _, _ in shares]
        w("")
        w("The model's idle share of the fastest machines (the ticks on which they "
          "can still send): " + ", ".join(f"{n} {num(x)}" for n, x in idle) + ".")
        q = [F(n, "queue_max")[0] for n, _, _ in shares]
        w("")
        w(claim(all(q[i] is not None and q[i + 1] is not None and q[i] <= q[i + 1]
                    for i in range(len(q) - 1)),
                "Queues grow with N: " + ", ".join(f"{n} {num(v)}" for (n, _, _), v
                                                    in zip(shares, q)) + " messages "
                "at most (means over trials): with many peers even a fast machine "
                "spends more of its ticks reading, so each sends less, but there "
                "are more of them, and the slow ones fall further behind.",
                "the longest queue does not grow with the number of machines"))
    w("")
    w("### 7. The speed check (the baseline's seeds at speed 1 and 60)")
    w("")
    rows = []
    for n in ("speed-1", base, "speed-60"):
        if n in C:
            rows.append(f"| {n} | {num(C[n]['settings']['speed'])} | "
                        f"{pm(*F(n, 'jump_mean'))} | {pm(*F(n, 'queue_max'))} | "
                        f"{pm(*F(n, 'drift_max'))} | {pm(*F(n, 'age_median'))} | "
                        f"{pm(*F(n, 'late_share'))} |")
    w("| condition | speed | mean jump | max queue | max drift | age median (model ms) | late ticks |")
    w("|---|---|---|---|---|---|---|")
    for r in rows:
        w(r)
    w("")
    if "speed-1" in C:
        w("Trial t of each condition has the same seed, so the same rates: each "
          "figure is compared seed by seed (mean relative difference from the "
          "speed-1 run):")
        w("")
        w("| figure | speed 10 vs 1 | speed 60 vs 1 |")
        w("|---|---|---|")
        worst = 0
        for key, title in (("jump_mean", "mean jump"), ("age_median", "message age median"),
                           ("queue_max", "max queue"), ("drift_max", "max drift"),
                           ("final_clock", "highest final clock")):
            d10, n10 = paired(runs, "speed-1", base, key)
            d60, n60 = paired(runs, "speed-1", "speed-60", key)
            if key in ("jump_mean", "age_median", "final_clock") and d10 is not None:
                worst = max(worst, d10)
            w(f"| {title} | {num(100 * d10) if d10 is not None else '-'} % ({n10} seeds) "
              f"| {num(100 * d60) if d60 is not None else '-'} % ({n60} seeds) |")
        w("")
        w("The largest drift is one extreme of a run, so a single message read a "
          "tick earlier or later moves it: it differs more than the means.")
        w("")
        w(claim(worst <= 0.1,
                "Speed 10 reproduces speed 1 seed by seed within a few percent in "
                "mean jump, message age (in model ms) and final clock: a message "
                "waits for its recipient's next tick, which is model time, and its "
                "wall transit (well under a millisecond) is small against a tick "
                "period of 16.7 ms wall. Speed 10 is a sound default.",
                f"speed 10 differs from speed 1 by up to {num(100 * worst)} % in "
                "mean jump, age or final clock"))
    if "speed-60" in C:
        d60, _ = paired(runs, "speed-1", "speed-60", "age_median")
        late, _ = F("speed-60", "late_share")
        w("")
        j60, _ = paired(runs, "speed-1", "speed-60", "jump_mean")
        c60, _ = paired(runs, "speed-1", "speed-60", "final_clock")
        w(f"At speed 60 the shortest tick period is 2.8 ms of wall time and "
          f"{num(100 * late if late is not None else None)} % of ticks ran late. "
          + claim(j60 is not None and c60 is not None and max(j60, c60) < 0.05,
                  "Clocks and jumps still match speed 1 (within "
                  f"{num(100 * max(j60 or 0, c60 or 0))} %), ",
                  "clocks and jumps at speed 60 differ from speed 1 by 5 % or more")
          + f"and the median message "
          f"age differs by {num(100 * d60) if d60 is not None else '-'} % seed by seed"
          + (": every wall millisecond, of transit or of a tick run late, is 60 "
             "model milliseconds at speed 60, a sizeable part of a message's age, so "
             "speed 60 is past what this host keeps exact in timing figures."
             if d60 is not None and d60 > 0.1 else "."))
    w("")
    w("## How sound the runs were: tick lateness")
    w("")
    w("A tick more than 1 ms after it was due is late (wall time: lateness is "
      "about the host, not the model). Only a tick that ran a whole tick period "
      "late can change the model (two ticks run together, a message read a tick "
      "later than its schedule says); each run's report says whether one did.")
    w("")
    w("| condition | late ticks | largest lateness (wall ms) | runs with a tick a whole period late |")
    w("|---|---|---|---|")
    bad = []
    for name, c in C.items():
        f = c["figures"]
        if "late_period" not in f:
            continue
        w(f"| {name} | {pm(f['late_share']['mean'], f['late_share']['sd'])} | "
          f"{pm(f['late_max_ms']['mean'], f['late_max_ms']['sd'])} | "
          f"{num(f['late_period']['mean'] * f['late_period']['n'])} of {f['late_period']['n']} |")
        if f["late_period"]["mean"] and f["late_period"]["mean"] > 0:
            bad.append(name)
    w("")
    if bad:
        late_runs = {(r["condition"], r["seed"]) for r in data["runs"]
                     if r["ok"] and r["figures"].get("late_period")}
        def err(late):
            e = [abs(x["arrivals"] - x["p"]["lam"]) / x["p"]["lam"]
                 for n in C for x in held(C, runs, n)
                 if x["p"]["lam"] > 0.01 and ((n, x["run"]) in late_runs) == late]
            return mean(e), len(e)
        el, nl = err(True)
        eo, no = err(False)
        w("Ticks ran a whole period late in some runs of: " + ", ".join(bad) + ". "
          "The host ran other work beside the study (two cores shared by several "
          "people), and a tick is late when the host does not schedule the "
          "machine in time: in those runs some events happened a tick later than "
          "the schedule says.")
        if el is not None and eo is not None:
            w("")
            w(claim(el <= 1.5 * eo + 0.02,
                    f"The model holds as well in those runs: arrivals differ from "
                    f"the model's λ by {num(100 * el)} % on average over their {nl} "
                    f"machines, against {num(100 * eo)} % over the {no} machines of "
                    "runs that kept their schedule. Lateness moved single events, "
                    "not the rates the figures measure.",
                    f"late runs miss the model more ({num(100 * el)} % against "
                    f"{num(100 * eo)} %)"))
    else:
        w("No tick of any run ran a whole period late: every run followed its "
          "schedule.")
    w("")
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    found = realideal_files(realideal)
    if found:
        write_realideal(w, found, os.path.relpath(realideal, top))
    if simulated and os.path.isfile(simulated):
        with open(simulated) as f:
            write_simulated(w, C, json.load(f),
                            os.path.relpath(os.path.dirname(simulated), top))
    failed = [c for c in C.values() if c["failed"]]
    if failed:
        w("## Runs left out")
        w("")
        for r in data["runs"]:
            if not r["ok"]:
                w(f"- `{r['dir']}` ({r['condition']}): {r['first_failure']}")
        w("")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
#  Real against ideal: lclock diverge's results (launch/realideal.sh), one
#  file per speed, studies/realideal/speed-S.json

CAUSE_WORDS = {
    "tie": "a tie (a message sent at the very model instant of the tick, or "
           "two sent at one instant)",
    "propagated": "a message that was already different (its sender had "
                  "parted first)",
    "late_tick": "a late tick", "delay": "the delay", "send_failed": "a failed send",
    "end": "the end of the run", "other": "something unexplained",
}


def realideal_files(folder):
    """(speed, data) per speed-S.json in folder, slowest first"""
    found = []
    if folder and os.path.isdir(folder):
        for name in os.listdir(folder):
            if name.startswith("speed-") and name.endswith(".json"):
                with open(os.path.join(folder, name)) as f:
                    data = json.load(f)
                found.append((data["pairs"][0]["speed"], data))
    return sorted(found, key=lambda x: x[0])


def write_realideal(w, found, folder):
    w("## Real against ideal")
    w("")
    w("The same seeds run twice: by real machines on loopback "
      "(`launch/run3.sh`) and by the simulator (`lclock simulate`, which "
      "draws the same rates and rolls, ticks exactly on schedule and delays "
      "each message by 0.1 wall ms in model time). Both share every random "
      "draw, so a row that differs was changed by real timing. `lclock "
      "diverge` counts, per machine, the rows identical in event, tick, "
      "clock, queue, peer and msg before the first that differs, and names "
      "why that one differs ([simulate.md](simulate.md#real-against-ideal)). "
      f"Made with `launch/realideal.sh --seed 101 --runs 5 --speed S`; the "
      f"results are in [{folder}/](../{folder}/).")
    w("")
    w("| speed | runs | machines | rows identical before the first divergence "
      "| median machine | machines identical to the end | first divergences by cause "
      "| least send-to-recv (wall ms) |")
    w("|---|---|---|---|---|---|---|---|")
    summary = []
    for speed, data in found:
        machines = [m for p in data["pairs"] for m in p["machines"]]
        shares = sorted(m["identical"] / m["rows"] for m in machines if m["rows"])
        median = shares[len(shares) // 2] if len(shares) % 2 else \
            (shares[len(shares) // 2 - 1] + shares[len(shares) // 2]) / 2
        total = data["total"]
        causes = {k: v for k, v in total["causes"].items() if v and k != "none"}
        top = max(causes, key=causes.get) if causes else None
        transit = total["min_transit_ms"] / speed if total["min_transit_ms"] >= 0 else None
        w(f"| {num(speed)} | {len(data['pairs'])} | {len(machines)} | "
          f"{total['identical']} of {total['rows']} ({num(100 * total['share'])} %) | "
          f"{num(100 * median)} % | {total['causes'].get('none', 0)} | "
          + ", ".join(f"{k} {v}" for k, v in sorted(causes.items(), key=lambda x: -x[1]))
          + f" | {num(transit) if transit is not None else '-'} |")
        firsts = [m["time"] for m in machines if "time" in m]
        summary.append((speed, total, top, causes, firsts))
    w("")
    runs_first = [(speed, min((m for m in p["machines"] if "time" in m),
                             key=lambda m: m["time"]))
                  for speed, data in found for p in data["pairs"]
                  if any("time" in m for m in p["machines"])]
    ties_first = sum(1 for _, m in runs_first if m["cause"] == "tie")
    w(claim(ties_first == len(runs_first),
            f"In every one of the {len(runs_first)} runs that parted, the first "
            "machine to part (the earliest first divergence of the run) did so "
            "at a tie; every propagated divergence follows one.",
            f"{len(runs_first) - ties_first} runs parted first by another cause"))
    w("")
    for speed, total, top, causes, firsts in summary:
        if top is None:
            continue
        w(claim(causes[top] >= sum(causes.values()) / 2,
                f"At speed {num(speed)} the most frequent first divergence is "
                f"{CAUSE_WORDS.get(top, top)}: {causes[top]} of "
                f"{sum(causes.values())} machines that parted; the median "
                f"first divergence came {num(sorted(firsts)[len(firsts) // 2])} "
                "model seconds into the run.",
                f"at speed {num(speed)} {top} is no longer most of the first "
                "divergences"))
        w("")
    w("Why ties: every integer rate ticks on every whole second, and rates "
      "such as 2 and 4 or 3 and 6 share many more instants. When a machine "
      "sends on such an instant to a machine that ticks on it too, the ideal "
      "schedule has the message arrive after that tick (it takes some time), "
      "while in the real run the receiver started a fraction of a millisecond "
      "later or its timer fired later, and the message was already in its "
      "buffer. One receive taken a tick early changes a clock, the clock "
      "changes every later message of that machine, and the others follow "
      "(propagated). So a real run follows the ideal history only until the "
      "first shared instant that carries a message: the histories are the "
      "same model, not the same events; what they share, or not, over a whole "
      "study is the next table.")
    w("")


SIM_FIGURES = [("jump_mean", "mean jump"), ("share_one", "+1 share"),
               ("jump_max", "max jump"), ("drift_max", "max drift"),
               ("queue_max", "max queue"), ("age_median", "age median (model ms)")]


def write_simulated(w, conditions, simulated, folder):
    """the study's figures, real against simulated (same seeds)"""
    S = {c["name"]: c for c in simulated["conditions"]}
    names = [n for n in conditions if n in S]
    if not names:
        return
    w("### The whole study, real against simulated")
    w("")
    w("`launch/study.sh studies/cs262.study --simulate` ran the same 70 trials "
      f"on the simulator in seconds ([{folder}/comparison.md](../{folder}/comparison.md)): "
      "the same seeds, so the same rates and rolls. Each cell is the real "
      "mean over trials / the simulated one.")
    w("")
    w("| condition | " + " | ".join(label for _, label in SIM_FIGURES) + " |")
    w("|---|" + "---|" * len(SIM_FIGURES))
    for n in names:
        cells = []
        for key, _ in SIM_FIGURES:
            r = conditions[n]["figures"][key]["mean"]
            m = S[n]["figures"][key]["mean"]
            cells.append(f"{num(r)} / {num(m)}")
        w(f"| {n} | " + " | ".join(cells) + " |")
    w("")
    def gap(key, name):
        r = conditions[name]["figures"][key]["mean"]
        m = S[name]["figures"][key]["mean"]
        return None if r is None or m is None else r - m
    equal = "fixed-6-6-6"
    varied = [n for n in names if n not in (equal, "rates-3-4", "rates-5-6",
                                           "rates-3-4-roll-4")]
    share_gap = mean([-gap("share_one", n) for n in varied])
    age_lower = [n for n in names if (gap("age_median", n) or 0) < 0]
    def rel_gap(key):
        """mean |real - simulated| / real over the varied conditions, values above 10"""
        return mean([abs(gap(key, n)) / conditions[n]["figures"][key]["mean"]
                     for n in varied if (conditions[n]["figures"][key]["mean"] or 0) > 10])
    queue_gap, drift_gap = rel_gap("queue_max"), rel_gap("drift_max")
    if equal in names and share_gap is not None:
        e = -gap("share_one", equal)
        w(claim(e > 2 * abs(share_gap) and queue_gap < 0.1 and drift_gap < 0.1,
                f"Ties show in the figures where rates are equal or close. With "
                f"rates 6,6,6 every tick of every machine falls on a shared "
                f"instant: the simulated clocks move in lockstep (share of +1 "
                f"jumps {num(S[equal]['figures']['share_one']['mean'])}, largest "
                f"jump {num(S[equal]['figures']['jump_max']['mean'])}), while in "
                f"the real runs a machine that started a little later reads a "
                f"message of the same instant and jumps (share of +1 "
                f"{num(conditions[equal]['figures']['share_one']['mean'])}, "
                f"largest {num(conditions[equal]['figures']['jump_max']['mean'])}). "
                f"Where rates vary (every condition but 6,6,6, 3-4 and 5-6) the "
                f"share of +1 jumps is lower in the real runs by "
                f"{num(share_gap, 2)} on average, while the largest queue and "
                f"the largest drift differ by {num(100 * queue_gap, 2)} % and "
                f"{num(100 * drift_gap, 2)} % on average (where they exceed 10): "
                "what builds up over a run is the same.",
                "the equal-rate condition no longer differs most in +1 jumps"))
        w("")
    w(claim(len(age_lower) >= len(names) - 1,
            f"The median message age is lower in the real runs in "
            f"{len(age_lower)} of {len(names)} conditions: a message sent on a "
            "shared instant is often read at that very tick in a real run, a whole "
            "tick later in the ideal one. The ideal tie rule (arrival after a "
            "simultaneous tick) is one choice of what a tie does; the host makes "
            "another, depending on which machine started first, and the "
            "conditions full of ties tell them apart.",
            "message ages no longer lower in the real runs"))
    w("")


def self_test():
    """the model on cases worked by hand"""
    # 1,6,6, roll 10: c = 0.2 per peer; the fast pair load each other at
    # 0.2 * 6 * f and m1 adds nothing once overrun (f1 = 0):
    # f = 1 - 1.2 f / 6 -> f = 1 / 1.2 = 0.8333; lambda1 = 0.2 * 12 * f = 2
    m = model([1, 6, 6], 10)
    assert abs(m[0]["lam"] - 2.0) < 1e-6 and abs(m[0]["growth"] - 1.0) < 1e-6, m
    assert abs(m[0]["jump"] - 3.0) < 1e-6 and abs(m[0]["drift"] - 3.0) < 1e-6, m
    assert abs(m[1]["jump"] - 1.0) < 1e-9 and m[1]["growth"] == 0, m
    # equal rates, roll 10: lambda = 0.2 * 2 * r * f, f = 1 - lambda / r
    # -> f = 1 / 1.4; nobody overrun, every mean jump 1
    m = model([6, 6, 6], 10)
    assert all(abs(x["lam"] - 0.4 * 6 / 1.4) < 1e-6 and x["jump"] == 1 for x in m), m
    # per peer: three machines 2/K; ten machines (2/K)/9 + 1/K
    assert abs(per_peer(10, 3) - 0.2) < 1e-12 and abs(per_peer(4, 10) - (0.5 / 9 + 0.25)) < 1e-12
    print("notebook.py: model self-test passed")
    return 0


def main(argv):
    if "--self-test" in argv:
        return self_test()
    args = [a for a in argv[1:] if not a.startswith("--")]
    commit = None
    if "--commit" in argv:
        commit = argv[argv.index("--commit") + 1]
        args.remove(commit)
    here = os.path.dirname(os.path.abspath(__file__))
    source = args[0] if args else os.path.join(here, "cs262", "comparison.json")
    target = args[1] if len(args) > 1 else os.path.normpath(os.path.join(here, "..", "docs", "notebook.md"))
    data, conditions, runs = load(source)
    shown = os.path.relpath(source, os.path.join(here, ".."))
    #  The cs262 study's notebook also holds real against ideal, from the
    #  results kept beside it
    cs262 = os.path.abspath(source) == os.path.join(here, "cs262", "comparison.json")
    text = write(data, conditions, runs, commit, shown,
                 os.path.join(here, "realideal") if cs262 else None,
                 os.path.join(here, "cs262-simulated", "comparison.json") if cs262 else None)
    with open(target, "w") as f:
        f.write(text)
    broken = [t for ok, t in checks if not ok]
    print(f"notebook.py: wrote {target} ({len(checks)} claims checked, "
          f"{len(broken)} no longer hold)")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
