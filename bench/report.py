#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Turns bench/run's results into the terminal table, docs/performance.md and the plots.

Usage: report.py RESULTS_DIR docs/performance.md docs/performance-p99.png
                 docs/performance-rss.png [--baseline bench/baseline.json] [--write-baseline]

With --baseline, prints "regression: ..." for every ratio (ours ÷ ws relay) that got worse
than the baseline's by more than the run-to-run spread; --write-baseline stores this run's
ratios (and spread) there instead.
"""
import argparse
import json
import pathlib

cli = argparse.ArgumentParser()
cli.add_argument("results")
cli.add_argument("doc")
cli.add_argument("png")
cli.add_argument("rss_png")
cli.add_argument("--baseline")
cli.add_argument("--write-baseline", action="store_true")
args = cli.parse_args()
results, doc_path, png_path, rss_png_path = (
    pathlib.Path(a) for a in (args.results, args.doc, args.png, args.rss_png)
)
SERVERS = [("helpy", "helpy-server"), ("ws", "ws relay"), ("socketio", "Socket.IO")]
# Rows of the many-rooms table that isolate a cost: no storage; and Qt's event dispatcher.
ROOM_VARIANTS = [("helpy-memory", "helpy-server --memory"),
                 ("helpy-memory-qt", "helpy-server --memory, Qt's UNIX dispatcher"),
                 ("helpy-after-sync", "helpy-server --deliver-after-sync")]


# ------------------------------------------------------------------ load
def load(directory):
    """(idle, phases, connections, rooms) rows of one results directory."""
    idle, phases, connections, rooms = {}, {}, {}, {}
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            if not line.startswith("{"):
                continue
            row = json.loads(line)
            kind = row.get("kind")
            if kind == "idle":
                idle[(row["server"], row["clients"])] = row
            elif kind == "phase":
                mode = "rate" if row["rate"] > 0 else "burst"
                phases[(row["server"], row["clients"], row["scenario"], mode)] = row
            elif kind == "connections":
                connections[row["server"]] = row
            elif kind == "rooms":
                rooms[row["server"]] = row
    return idle, phases, connections, rooms


idle, phases, connections, rooms = load(results)
store_path = results / "storebench.jsonl"
store = next((json.loads(line) for line in (store_path.read_text().splitlines() if store_path.exists() else [])
              if line.startswith("{")), None)
machine = dict(
    line.split("=", 1) for line in (results / "machine.txt").read_text().splitlines() if "=" in line
)
sizes = sorted({n for (_, n) in idle} | {k[1] for k in phases})
phase_sizes = sorted({k[1] for k in phases})
timings = {}
if (results / "timings.txt").exists():
    timings = dict(
        line.split("=", 1) for line in (results / "timings.txt").read_text().splitlines() if "=" in line
    )
callgrind = {}
if (results / "callgrind.txt").exists():
    for line in (results / "callgrind.txt").read_text().splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            callgrind[key] = value
lookups = []
if (results / "lookup.jsonl").exists():
    lookups = [json.loads(l) for l in (results / "lookup.jsonl").read_text().splitlines() if l.startswith("{")]
models = []
if (results / "model.jsonl").exists():
    models = [json.loads(l) for l in (results / "model.jsonl").read_text().splitlines() if l.startswith("{")]


def phase(server, n, scenario, mode, source=None):
    return (source or phases).get((server, n, scenario, mode))


def reference_bytes(n, source_idle=None):
    """N × the size of one participant_added frame of a joining member (helpy's, at this N
    when it sent one, else at any N): the bytes the N join events themselves are."""
    rows = list((source_idle or idle).values())
    at_n = [r for r in rows if r["clients"] == n and r.get("participant_added_bytes")]
    anywhere = [r for r in rows if r.get("participant_added_bytes")]
    pick = (at_n or anywhere or [None])[0]
    return pick and n * pick["participant_added_bytes"]


def metric(server, n, name, source=None):
    """The value of one table row for one server, or None. `source` is (idle, phases) of a
    results directory (default: this run)."""
    source_idle, source_phases = source or (idle, phases)
    scenario, _, what = name.partition(":")
    if name == "idle RSS":
        row = source_idle.get((server, n))
        return row and row["idle_rss_kb"] / 1024
    if name == "join time":
        row = source_idle.get((server, n))
        return row and row["setup_s"]
    if name == "setup bytes":
        row = source_idle.get((server, n))
        return row and row.get("setup_bytes", 0) / 2**20 or None
    if name == "setup reference":
        ref = (server, n) in source_idle and reference_bytes(n, source_idle)
        return ref and ref / 2**20 or None
    if name == "setup bytes ÷ reference":
        row = source_idle.get((server, n))
        ref = reference_bytes(n, source_idle)
        return row and ref and row.get("setup_bytes", 0) / ref or None
    if name == "burst peak RSS":
        rows = [phase(server, n, s, "burst", source_phases) for s in ("roster", "chat")]
        rows = [r for r in rows if r]
        return rows and max(r["peak_rss_kb"] for r in rows) / 1024 or None
    mode = "rate" if what.startswith("rate") else "burst"
    row = phase(server, n, scenario, mode, source_phases)
    if not row or row["delivered"] < row["expected"]:
        return None
    if what.endswith("fan-out p50"):
        return row.get("fanout_p50_us") and row["fanout_p50_us"] / 1000
    if what.endswith("fan-out p99"):
        return row.get("fanout_p99_us") and row["fanout_p99_us"] / 1000
    if what.endswith("p50"):
        return row["p50_us"] / 1000
    if what.endswith("p99"):
        return row["p99_us"] / 1000
    if what.endswith("max"):
        return row["max_us"] / 1000
    if what == "burst deliveries/s":
        return row["deliveries_per_s"]
    if what == "burst CPU/delivery":
        return row["server_cpu_s"] * 1e6 / row["delivered"]
    return None


ROWS = []
for scenario in ("roster", "chat"):
    ROWS += [
        (f"{scenario}:rate p50", "ms", False),
        (f"{scenario}:rate p99", "ms", False),
        (f"{scenario}:rate max", "ms", False),
        (f"{scenario}:burst p99", "ms", False),
        (f"{scenario}:burst deliveries/s", "/s", True),
        (f"{scenario}:burst CPU/delivery", "µs", False),
        (f"{scenario}:rate server fan-out p50", "ms", False),
        (f"{scenario}:rate server fan-out p99", "ms", False),
        (f"{scenario}:burst server fan-out p99", "ms", False),
    ]
ROWS += [("idle RSS", "MiB", False), ("burst peak RSS", "MiB", False)]
SETUP_ROWS = [("join time", "s", False), ("setup bytes", "MiB", False),
              ("setup reference", "MiB", False), ("setup bytes ÷ reference", "×", False)]


def fmt(value, unit):
    if value is None or value == []:
        return "—"
    if unit == "/s":
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def ratio(ours, theirs):
    if not ours or not theirs:
        return "—"
    return f"{ours / theirs:.2f}×"


header = ["N", "figure", "helpy-server", "ws relay", "ours/ws", "Socket.IO", "ours/Socket.IO"]
table = []
for n in sizes:
    for name, unit, _ in (ROWS if n in phase_sizes else []) + SETUP_ROWS:
        values = {s: metric(s, n, name) for s, _ in SERVERS}
        table.append(
            [
                str(n),
                f"{name.replace(':', ' ')} ({unit})",
                fmt(values["helpy"], unit),
                fmt(values["ws"], unit),
                ratio(values["helpy"], values["ws"]),
                fmt(values["socketio"], unit),
                ratio(values["helpy"], values["socketio"]),
            ]
        )


def markdown_table(head, rows):
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


# Terminal: a fixed-width table.
widths = [max(len(r[i]) for r in [header] + table) for i in range(len(header))]
print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
for r in table:
    print("  ".join(c.rjust(w) if i != 1 else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))))

# ------------------------------------------------------------------ targets (N = 1000)
TARGET_N = 1000
targets = []


def target(text, ok, detail):
    targets.append((text, "met" if ok else ("missed" if ok is not None else "not measured"), detail))


for scenario in ("roster", "chat"):
    ours = metric("helpy", TARGET_N, f"{scenario}:rate p99")
    ws = metric("ws", TARGET_N, f"{scenario}:rate p99")
    sio = metric("socketio", TARGET_N, f"{scenario}:rate p99")
    have = None not in (ours, ws, sio)
    target(
        f"{scenario}: p99 at N=1000 ≤ ws relay's",
        (ours <= ws) if have else None,
        f"{fmt(ours, 'ms')} ms vs {fmt(ws, 'ms')} ms" if have else "",
    )
    target(
        f"{scenario}: p99 at N=1000 ≤ ½ Socket.IO's",
        (ours <= sio / 2) if have else None,
        f"{fmt(ours, 'ms')} ms vs ½ × {fmt(sio, 'ms')} ms" if have else "",
    )
    ours_t = metric("helpy", TARGET_N, f"{scenario}:burst deliveries/s")
    ws_t = metric("ws", TARGET_N, f"{scenario}:burst deliveries/s")
    have = None not in (ours_t, ws_t)
    target(
        f"{scenario}: deliveries/s at N=1000 ≥ ws relay's",
        (ours_t >= ws_t) if have else None,
        f"{fmt(ours_t, '/s')} vs {fmt(ws_t, '/s')}" if have else "",
    )
ours_m = metric("helpy", TARGET_N, "burst peak RSS")
ws_m = metric("ws", TARGET_N, "burst peak RSS")
have = bool(ours_m) and bool(ws_m)
target(
    "peak RSS during a burst at N=1000 ≤ 2× ws relay's",
    (ours_m <= 2 * ws_m) if have else None,
    f"{fmt(ours_m, 'MiB')} MiB vs 2 × {fmt(ws_m, 'MiB')} MiB" if have else "",
)
for model in models:
    if model["event"] in ("insert", "update", "remove_random_row") and model["rows"] == 10000:
        target(
            f"client: one {model['event'].replace('_', ' ')} event on a 10,000-row list < 50 µs",
            model["model_mean_us"] < 50,
            f"{model['model_mean_us']:.1f} µs mean, {model['model_p99_us']:.1f} µs p99",
        )

# ------------------------------------------------------------------ idle connections, rooms
def per_connection(server):
    row = connections.get(server)
    return row and row["bytes_per_connection"] / 1024


def rooms_metric(server, what):
    row = rooms.get(server)
    if not row or not row["delivered"]:
        return None
    if what == "p50":
        return row["p50_us"] / 1000
    if what == "p99":
        return row["p99_us"] / 1000
    if what == "cpu":
        return row["server_cpu_s"] * 1e6 / row["delivered"]
    if what == "delivered":
        return row["delivered"] / row["expected"]
    if what == "fanout p99":
        return row.get("fanout_p99_us") and row["fanout_p99_us"] / 1000
    if what == "rss":
        return row["idle_rss_kb"] / 1024
    if what == "setup":
        return row["setup_s"]
    return None


connections_rows = [
    [label, f"{connections[s]['clients']:,}", f"{connections[s]['rss_before_kb'] / 1024:.1f}",
     f"{connections[s]['rss_after_kb'] / 1024:.1f}", f"{per_connection(s):.1f}",
     ratio(per_connection("helpy"), per_connection(s))]
    for s, label in SERVERS if s in connections
]
rooms_rows = [
    [label, f"{rooms[s]['delivered']:,} of {rooms[s]['expected']:,}", fmt(rooms_metric(s, "p50"), "ms"),
     fmt(rooms_metric(s, "p99"), "ms"), fmt(rooms_metric(s, "cpu"), "µs"),
     ratio(rooms_metric("helpy", "cpu"), rooms_metric(s, "cpu")), fmt(rooms_metric(s, "fanout p99"), "ms"),
     fmt(rooms_metric(s, "setup"), "s"), fmt(rooms_metric(s, "rss"), "MiB")]
    for s, label in SERVERS + ROOM_VARIANTS if s in rooms
]
for title, head, body in (
    ("idle connections", ["server", "connections", "RSS before (MiB)", "RSS after (MiB)",
                          "KiB per connection", "helpy ÷ this"], connections_rows),
    ("many rooms", ["server", "delivered", "p50 (ms)", "p99 (ms)", "CPU/delivery (µs)", "helpy ÷ this",
                    "server fan-out p99 (ms)", "set-up (s)", "RSS after set-up (MiB)"], rooms_rows),
):
    if body:
        print(f"\n{title}")
        w = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
        for r in [head] + body:
            print("  ".join(c.ljust(x) for c, x in zip(r, w)))

# ------------------------------------------------------------------ targets (issue 16)
BIG_N, JOIN_N, SQLITE_N = 5000, 3000, 1000
targets16 = []


def target16(text, ours, theirs, factor, detail_unit, label="ws"):
    """ours ≤ factor × theirs; "not measured" when either is missing."""
    have = ours is not None and theirs is not None and ours != [] and theirs != []
    state = ("met" if ours <= factor * theirs else "missed") if have else "not measured"
    detail = (f"{fmt(ours, detail_unit)} vs {factor:g} × {fmt(theirs, detail_unit)} {detail_unit} "
              f"({label}): {ours / theirs:.2f}×" if have and theirs else "")
    targets16.append((text, state, detail))


for scenario in ("roster", "chat"):
    target16(f"N={BIG_N}: {scenario} paced p99 ≤ 1.0× ws relay",
             metric("helpy", BIG_N, f"{scenario}:rate p99"), metric("ws", BIG_N, f"{scenario}:rate p99"), 1, "ms")
target16(f"N={BIG_N}: idle RSS ≤ 1.5× ws relay", metric("helpy", BIG_N, "idle RSS"),
         metric("ws", BIG_N, "idle RSS"), 1.5, "MiB")
target16(f"N={BIG_N}: burst peak RSS ≤ 2× ws relay", metric("helpy", BIG_N, "burst peak RSS"),
         metric("ws", BIG_N, "burst peak RSS"), 2, "MiB")
for n in sorted({BIG_N, JOIN_N} & set(sizes)) or [BIG_N]:
    ref = reference_bytes(n)
    target16(f"N={n}: set-up bytes ≤ 4× the N join events' bytes", metric("helpy", n, "setup bytes"),
             ref and ref / 2**20, 4, "MiB", label="N × one participant_added")
target16(f"N={JOIN_N}: join time (50 handshakes in flight) ≤ 3× ws relay",
         metric("helpy", JOIN_N, "join time"), metric("ws", JOIN_N, "join time"), 3, "s")
target16("memory per idle connection ≤ ws relay's", per_connection("helpy"), per_connection("ws"), 1, "KiB")
target16("many rooms: delivery p99 ≤ ws relay with rooms", rooms_metric("helpy", "p99"),
         rooms_metric("ws", "p99"), 1, "ms")
target16("many rooms: server CPU per delivery ≤ 0.5× ws relay", rooms_metric("helpy", "cpu"),
         rooms_metric("ws", "cpu"), 0.5, "µs")
for scenario in ("roster", "chat"):
    ours = metric("helpy", SQLITE_N, f"{scenario}:rate p99")
    memory = metric("helpy-memory", SQLITE_N, f"{scenario}:rate p99")
    target16(f"N={SQLITE_N}: SQLite {scenario} paced p99 ≤ 1.3× --memory", ours, memory, 1.3, "ms",
             label="--memory")

# ------------------------------------------------------------------ spread, baseline, regressions
# Ratios ours ÷ ws relay, keyed "figure at N=n" (figure without N: "figure").
RATIO_FIGURES = [(name, higher) for name, _, higher in ROWS if "fan-out" not in name] + [
    ("join time", False), ("setup bytes", False)]


def ratios(source, at_sizes):
    out = {}
    for n in at_sizes:
        for name, higher in RATIO_FIGURES:
            ours, theirs = metric("helpy", n, name, source), metric("ws", n, name, source)
            if ours and theirs:
                out[f"{name.replace(':', ' ')} at N={n}"] = ours / theirs
    return out


current = ratios((idle, phases), sizes)
current.update({k: v for k, v in {
    "KiB per idle connection": per_connection("helpy") and per_connection("ws")
    and per_connection("helpy") / per_connection("ws"),
    "rooms p99": rooms_metric("helpy", "p99") and rooms_metric("ws", "p99")
    and rooms_metric("helpy", "p99") / rooms_metric("ws", "p99"),
    "rooms CPU/delivery": rooms_metric("helpy", "cpu") and rooms_metric("ws", "cpu")
    and rooms_metric("helpy", "cpu") / rooms_metric("ws", "cpu"),
}.items() if v})
HIGHER_IS_BETTER = {name.replace(":", " ") for name, higher in RATIO_FIGURES if higher}

# Spread: the same ratios from the repeated small sizes (bench/run part 5), relative to this
# run's, per figure (the larger of N=10 and N=100).
spread = {}
repeat_dir = results / "repeat"
if repeat_dir.is_dir():
    r_idle, r_phases, _, _ = load(repeat_dir)
    repeated = ratios((r_idle, r_phases), sorted({n for (_, n) in r_idle}))
    for key, again in repeated.items():
        first = current.get(key)
        if first:
            figure = key.rsplit(" at N=", 1)[0]
            spread[figure] = max(spread.get(figure, 0), abs(again - first) / first)
SPREAD_FLOOR = 0.05  # below this, a difference is rounding of a few deliveries


def spread_of(key, stored):
    figure = key.rsplit(" at N=", 1)[0]
    known = spread.get(figure, stored.get(figure))
    if known is None:  # a figure the small sizes do not have: the median spread measured
        values = sorted(spread.values() or stored.values()) or [0.25]
        known = values[len(values) // 2]
    return max(known, SPREAD_FLOOR)


regressions = []
baseline_note = "no baseline (bench/run --write-baseline stores one)"
if args.baseline:
    baseline_path = pathlib.Path(args.baseline)
    if args.write_baseline:
        baseline_path.write_text(json.dumps({
            "commit": machine.get("commit", "?"), "date": machine.get("date", "?"),
            "ratios": {k: round(v, 4) for k, v in sorted(current.items())},
            "spread": {k: round(v, 4) for k, v in sorted(spread.items())},
        }, indent=1, ensure_ascii=False) + "\n")
        baseline_note = f"this run was stored as the baseline ({baseline_path.name})"
    elif baseline_path.exists():
        stored = json.loads(baseline_path.read_text())
        baseline_note = (f"compared with {baseline_path.name} (commit {stored.get('commit', '?')}, "
                         f"{stored.get('date', '?')})")
        for key, before in stored.get("ratios", {}).items():
            now = current.get(key)
            if not now:
                continue
            width = spread_of(key, stored.get("spread", {}))
            figure = key.rsplit(" at N=", 1)[0]
            worse = now < before * (1 - width) if figure in HIGHER_IS_BETTER else now > before * (1 + width)
            if worse:
                what, _, n = key.partition(" at N=")
                where = f" at N={n}" if n else ""
                regressions.append(f"regression: {what}{where} went from {before:.2f}× to {now:.2f}× "
                                   f"(spread ±{width * 100:.0f} %)")
small = [r for r in regressions if " at N=" in r and int(r.split(" at N=")[1].split(" ")[0]) <= 1000]
targets16.append((
    "N ≤ 1000: no ratio worse than the baseline's by more than the spread",
    ("met" if not small else "missed") if args.baseline and pathlib.Path(args.baseline).exists()
    and not args.write_baseline else "not measured",
    f"{len(small)} regression(s)" if not args.write_baseline else "baseline written",
))

print()
for text, state, detail in targets:
    print(f"{state:>12}  {text}  ({detail})")
print("\nissue 16:")
for text, state, detail in targets16:
    print(f"{state:>12}  {text}  ({detail})")
print(f"\n{baseline_note}")
for line in regressions:
    print(line)
if spread:
    print("run-to-run spread (N=10, 100 run twice): "
          + ", ".join(f"{k} ±{v * 100:.0f} %" for k, v in sorted(spread.items())))

# ------------------------------------------------------------------ plot
try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, mode, title in (
        (axes[0], "rate", f"fixed rate ({machine.get('phases', '').split(',')[0].split(':')[1]} changes/s)"),
        (axes[1], "burst", "burst (all changes at once)"),
    ):
        for server, label in SERVERS:
            for scenario, style in (("roster", "-o"), ("chat", "--s")):
                xs, ys = [], []
                for n in sizes:
                    row = phase(server, n, scenario, mode)
                    if row and row["delivered"] >= row["expected"]:
                        xs.append(n)
                        ys.append(row["p99_us"] / 1000)
                if xs:
                    ax.plot(xs, ys, style, label=f"{label} · {scenario}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("clients in the session (N)")
        ax.set_ylabel("p99 fan-out latency (ms)")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize=7)
    fig.suptitle("p99 latency from the actor's send to each recipient's receipt")
    fig.tight_layout()
    fig.savefig(png_path, dpi=110)
    plot_note = f"![p99 latency against N]({png_path.name})"

    # RSS against N: idle (after the set-up) and the peak of the bursts.
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, name, title in ((axes[0], "idle RSS", "idle RSS (all N joined, quiet)"),
                            (axes[1], "burst peak RSS", "peak RSS during the bursts")):
        for server, label in SERVERS:
            points = [(n, metric(server, n, name)) for n in sizes]
            points = [(n, v) for n, v in points if v]
            if points:
                ax.plot([p[0] for p in points], [p[1] for p in points], "-o", label=label)
        ax.set_xscale("log")
        ax.set_xlabel("clients in the session (N)")
        ax.set_ylabel("server RSS (MiB)")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle("server memory against N (one session)")
    fig.tight_layout()
    fig.savefig(rss_png_path, dpi=110)
    rss_plot_note = f"![RSS against N]({rss_png_path.name})"
except ImportError:
    plot_note = "(matplotlib is missing: no plot was drawn; bench/run installs python3-matplotlib)"
    rss_plot_note = ""

# ------------------------------------------------------------------ markdown
model_rows = [
    [
        m["event"].replace("_", " "),
        f"{m['rows']:,}",
        str(m["events"]),
        f"{m['model_mean_us']:.2f}",
        f"{m['model_p99_us']:.2f}",
        f"{m['view_mean_us']:.2f}",
    ]
    for m in models
]
# Variants of helpy-server (bench/run runs them for N <= 1000) that isolate a cost.
VARIANTS = [("helpy", "helpy-server (SQLite)"), ("helpy-memory", "--memory"),
            ("helpy-memory-glib", "--memory, glib dispatcher")]
VARIANTS = [v for v in VARIANTS if v[0] == "helpy" or any(k[0] == v[0] for k in idle)]
variant_rows = []
if any(k[0] == "helpy-memory" for k in idle):
    for n in sizes:
        if not any((v, n) in idle for v, _ in VARIANTS[1:]):
            continue
        for name, unit, _ in ROWS:
            if "fan-out" in name:
                continue
            if name.endswith("CPU/delivery") or "p99" in name or "deliveries" in name or "RSS" in name:
                variant_rows.append([str(n), f"{name.replace(':', ' ')} ({unit})"]
                                    + [fmt(metric(v, n, name), unit) for v, _ in VARIANTS])
variants_md = (markdown_table(["N", "figure"] + [label for _, label in VARIANTS], variant_rows)
               if variant_rows else "(not run: BENCH_VARIANTS=0)")

template = (pathlib.Path(__file__).parent / "performance.md.in").read_text()
doc = template.format(
    machine="\n".join(
        f"- {k}: {machine.get(k, '?')}"
        for k in ("cpu", "cores", "ram", "kernel", "os", "qt", "node", "ws", "socketio", "load", "threads",
                  "date", "commit")
    ),
    phases=machine.get("phases", ""),
    table=markdown_table(header, table),
    targets=markdown_table(["target", "result", "measured"], [list(t) for t in targets]),
    targets16=markdown_table(["target", "result", "measured"], [list(t) for t in targets16]),
    plot=plot_note,
    rss_plot=rss_plot_note,
    threads=machine.get("threads", "?"),
    rooms_setup=machine.get("rooms", "?"),
    connections=markdown_table(["server", "connections", "RSS before (MiB)", "RSS after (MiB)",
                                "KiB per connection", "helpy ÷ this"], connections_rows)
    if connections_rows else "(not run: BENCH_IDLE_CONNECTIONS=0)",
    rooms=(markdown_table(["server", "delivered", "p50 (ms)", "p99 (ms)", "CPU/delivery (µs)", "helpy ÷ this",
                           "server fan-out p99 (ms)", "set-up (s)", "RSS after set-up (MiB)"], rooms_rows)
           if rooms_rows else "(not run: BENCH_ROOMS=0)")
    + (f"\n\nThe durable store alone (`helpy-storebench`: {store['messages']:,} messages at {store['rate']:,} a second "
       f"into {store['sessions']:,} sessions by {store['users']:,} users, {store['per_group']} per commit, no sockets): "
       f"{store['cpu_per_message_us']:.0f} µs of CPU per message (the writer thread's, nearly all of it), "
       f"durable {store['durable_p50_ms']:.2f} ms after its commit at p50, {store['durable_p99_ms']:.1f} ms at p99, "
       f"{store['durable_max_ms']:.1f} ms at most."
       if store else ""),
    regressions="\n".join(f"- {r}" for r in regressions) or "- none",
    baseline_note=baseline_note,
    spread=", ".join(f"{k} ±{v * 100:.0f} %" for k, v in sorted(spread.items())) or "(not measured: BENCH_SPREAD=0)",
    timings="\n".join(f"- {k}: {v} s" for k, v in timings.items()) or "(not recorded)",
    variants=variants_md,
    callgrind="\n".join(f"- `{k}`: {int(v):,}" if v.isdigit() else f"- `{k}`: {v}" for k, v in callgrind.items())
    or "(not run)",
    lookups=markdown_table(
        ["ids", "std::hash<QString> (ns)", "StringMap (ns)", "StringMap ÷ std::hash"],
        [[f"{l['ids']:,}", f"{l['std_hash_ns']:.1f}", f"{l['string_map_ns']:.1f}",
          f"{l['string_map_ns'] / l['std_hash_ns']:.2f}×"] for l in lookups],
    )
    if lookups
    else "(not run)",
    models=markdown_table(
        ["event", "rows shown", "events", "model µs (mean)", "model µs (p99)", "view relayout µs (mean)"],
        model_rows,
    )
    if model_rows
    else "(models/ was not built)",
)
doc_path.write_text(doc)
print(f"\nwrote {doc_path}, {png_path} and {rss_png_path}")
