#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Turns bench/run's results into the terminal table, docs/performance.md and the p99 plot.

Usage: report.py RESULTS_DIR docs/performance.md docs/performance-p99.png
"""
import json
import pathlib
import sys

results, doc_path, png_path = (pathlib.Path(a) for a in sys.argv[1:4])
SERVERS = [("helpy", "helpy-server"), ("ws", "ws relay"), ("socketio", "Socket.IO")]

# ------------------------------------------------------------------ load
idle, phases = {}, {}
for path in sorted(results.glob("*.jsonl")):
    for line in path.read_text().splitlines():
        if not line.startswith("{"):
            continue
        row = json.loads(line)
        if row.get("kind") == "idle":
            idle[(row["server"], row["clients"])] = row
        elif row.get("kind") == "phase":
            mode = "rate" if row["rate"] > 0 else "burst"
            phases[(row["server"], row["clients"], row["scenario"], mode)] = row
machine = dict(
    line.split("=", 1) for line in (results / "machine.txt").read_text().splitlines() if "=" in line
)
sizes = sorted({n for (_, n) in idle} | {k[1] for k in phases})
callgrind = {}
if (results / "callgrind.txt").exists():
    for line in (results / "callgrind.txt").read_text().splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            callgrind[key] = value
models = []
if (results / "model.jsonl").exists():
    models = [json.loads(l) for l in (results / "model.jsonl").read_text().splitlines() if l.startswith("{")]


def phase(server, n, scenario, mode):
    return phases.get((server, n, scenario, mode))


def metric(server, n, name):
    """(value, unit, higher_is_better) of one table row for one server, or None."""
    scenario, _, what = name.partition(":")
    if name == "idle RSS":
        row = idle.get((server, n))
        return row and row["idle_rss_kb"] / 1024
    if name == "burst peak RSS":
        rows = [phase(server, n, s, "burst") for s in ("roster", "chat")]
        rows = [r for r in rows if r]
        return rows and max(r["peak_rss_kb"] for r in rows) / 1024
    mode = "rate" if what.startswith("rate") else "burst"
    row = phase(server, n, scenario, mode)
    if not row or row["delivered"] < row["expected"]:
        return None
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
    ]
ROWS += [("idle RSS", "MiB", False), ("burst peak RSS", "MiB", False)]


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
    for name, unit, _ in ROWS:
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

print()
for text, state, detail in targets:
    print(f"{state:>12}  {text}  ({detail})")

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
except ImportError:
    plot_note = "(matplotlib is missing: no plot was drawn; bench/run installs python3-matplotlib)"

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
variant_rows = []
if any(k[0] == "helpy-memory" for k in idle):
    for n in sizes:
        if not any((v, n) in idle for v, _ in VARIANTS[1:]):
            continue
        for name, unit, _ in ROWS:
            if name.endswith("CPU/delivery") or "p99" in name or "deliveries" in name or "RSS" in name:
                variant_rows.append([str(n), f"{name.replace(':', ' ')} ({unit})"]
                                    + [fmt(metric(v, n, name), unit) for v, _ in VARIANTS])
variants_md = (markdown_table(["N", "figure"] + [label for _, label in VARIANTS], variant_rows)
               if variant_rows else "(not run: BENCH_VARIANTS=0)")

template = (pathlib.Path(__file__).parent / "performance.md.in").read_text()
doc = template.format(
    machine="\n".join(
        f"- {k}: {machine.get(k, '?')}"
        for k in ("cpu", "cores", "ram", "kernel", "os", "qt", "node", "ws", "socketio", "load", "date", "commit")
    ),
    phases=machine.get("phases", ""),
    table=markdown_table(header, table),
    targets=markdown_table(["target", "result", "measured"], [list(t) for t in targets]),
    plot=plot_note,
    variants=variants_md,
    callgrind="\n".join(f"- `{k}`: {int(v):,}" if v.isdigit() else f"- `{k}`: {v}" for k, v in callgrind.items())
    or "(not run)",
    models=markdown_table(
        ["event", "rows shown", "events", "model µs (mean)", "model µs (p99)", "view relayout µs (mean)"],
        model_rows,
    )
    if model_rows
    else "(models/ was not built)",
)
doc_path.write_text(doc)
print(f"\nwrote {doc_path} and {png_path}")
