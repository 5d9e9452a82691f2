#!/usr/bin/env python3
"""The fleet lab's figures, from its work directory: marks (scenario times), the device brokers' taps,
the dashboard's history.db, the /api/agents polls and the agents' logs and checkpoints.
Usage: fleet_lab_measure.py WORK VEHICLES TRANSPORT JSON(0|1) CHECK(0|1) SHORT(0|1) CAPACITY_JSON|null ONLY
(scripts/fleet-lab.sh calls it; run it again on a kept work directory to re-measure)."""
import json, os, re, sqlite3, struct, sys, datetime, collections
W, N, transport, as_json, check, short, cap, only = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1", sys.argv[5] == "1", sys.argv[6] == "1", json.loads(sys.argv[7]), sys.argv[8].split(",")
marks = {}
for line in open(f"{W}/marks"):
    k, v = line.split()
    marks[k] = float(v)

score_values = {}

def f32(x):
    """A score as the dashboard stores it: parsed to float32, kept as a double."""
    return struct.unpack("f", struct.pack("f", float(x)))[0]

def tap(n):
    samples, scores, values = [], [], []
    for line in open(f"{W}/tap-v{n}.log", errors="replace"):
        parts = line.split(" ", 2)
        if len(parts) < 3:
            continue
        try:
            t = float(parts[0])
        except ValueError:
            continue
        if parts[1].endswith("/anomaly"):
            scores.append(t)
            try:
                values.append((t, f32(json.loads(parts[2])["anomaly_score"][0])))
            except (ValueError, KeyError, IndexError, TypeError):
                values.append((t, None))
        else:
            samples.append(t)
    score_values[n] = values
    return samples, scores
taps = {n: tap(n) for n in range(1, N + 1) if os.path.exists(f"{W}/tap-v{n}.log")}
def count(ts, a, b):
    return sum(1 for t in ts if a <= t < b)

def scored_ratio(samples, scores, a, b):
    """Scores made / samples offered in [a, b), with both edges moved to the next sample's time: a
    score follows its sample by milliseconds, so it then falls in the same window as its sample."""
    a2 = next((t for t in samples if t >= a), None)
    b2 = next((t for t in samples if t >= b), None)
    if a2 is None or b2 is None or b2 <= a2:
        return 0.0
    offered = count(samples, a2, b2)
    return count(scores, a2, b2) / offered if offered else 0.0

db = sqlite3.connect(f"file:{W}/dash/history.db?mode=ro", uri=True) if os.path.exists(f"{W}/dash/history.db") else None
def rows(n, a, b):
    return db.execute("SELECT COUNT(*) FROM scores WHERE vehicle=? AND at_ms>=? AND at_ms<?", (n, int(a * 1000), int(b * 1000))).fetchone()[0]

api = []
if os.path.exists(f"{W}/api.jsonl"):
    for line in open(f"{W}/api.jsonl"):
        try:
            api.append(json.loads(line))
        except ValueError:
            pass
def ts(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() if s else None

def rounds(name):
    """Training rounds from the agent's log (Debug: 'finished round'), as unix times."""
    out, day = [], None
    for line in open(f"{W}/{name}.log", errors="replace"):
        if line.startswith("--- started "):
            day = line.split()[2]
        m = re.match(r"(\d\d:\d\d:\d\d) dbug: .*finished round", line)
        if m and day:
            out.append(datetime.datetime.fromisoformat(f"{day}T{m.group(1)}+00:00").timestamp())
    return out

def versions(path):
    try:
        with open(path) as f:
            c = json.load(f)
    except (OSError, ValueError):
        return None
    for k, v in c.items():
        if k.lower() == "versions":
            return v
    return None

r, notes = {}, []
FRESH_S = 10  # status comes every 3 s; older than this is not flowing

def fresh_from(agent, a, b):
    """Seconds after a from which the agent's status stays fresh up to b (None: not fresh at b)."""
    seen = [(s["t"], next((x for x in s["agents"] if x["agentId"] == agent), None)) for s in api if a <= s["t"] <= b]
    if not seen:
        return None
    stale_last = None
    for t, x in seen:
        at = ts(x.get("statusAt")) if x else None
        if at is None or at < a or t - at > FRESH_S:
            stale_last = t
    if stale_last is None:
        return seen[0][0] - a
    after = [t for t, _ in seen if t > stale_last]
    return after[0] - a if after else None
def fmt(x):
    return None if x is None else round(x, 3)

if "baseline_start" in marks:
    a, b = marks["baseline_start"], marks["baseline_end"]
    per = [rows(n, a, b) / (b - a) for n in range(1, N + 1)]
    produced = [count(taps[n][1], a, b) / (b - a) for n in range(1, N + 1)]
    adv = [len([t for t in rounds(f"agent-v{n}") if a <= t < b]) for n in range(1, N + 1)]
    r["baseline"] = {"scores_per_s_min": fmt(min(per)), "produced_per_s_min": fmt(min(produced)), "rounds_min": min(adv), "seconds": round(b - a)}

if "cut" in marks:
    a, b, end = marks["cut"], marks["heal"], marks["outage_end"]
    A, B = int(a) + 1, int(b)   # whole seconds inside the cut: rows at their own times match exactly
    scored, delivered, late = [], [], []
    for n in range(1, N + 1):
        samples, scores = taps[n]
        scored.append(scored_ratio(samples, scores, A, B))
        # Each score made during the cut, found in the history by its value: at its own time (the
        # payload's timestamp has whole seconds, so up to 1 s early; 0.5 s late for the way over), or at all.
        stored = collections.defaultdict(list)
        for v, at in db.execute("SELECT score, at_ms FROM scores WHERE vehicle=? AND at_ms>=?", (n, int((a - 60) * 1000))):
            stored[v].append(at / 1000.0)
        cut_scores = [(t, v) for t, v in score_values[n] if A <= t < B]
        own = sum(1 for t, v in cut_scores if any(t - 1.5 <= at <= t + 0.5 for at in stored.get(v, ())))
        anywhere = sum(1 for t, v in cut_scores if stored.get(v))
        delivered.append(own / len(cut_scores) if cut_scores else 0.0)
        late.append(anywhere / len(cut_scores) if cut_scores else 0.0)
    # IPLS rounds during the cut: how far the lowest partition version moved on each peer (from its
    # checkpoints, written every 5 s). A peer cut off from the others aggregates alone and advances
    # too, so the spread of its partition versions at the heal tells federated (all partitions move
    # together, spread 0-1) from alone (partitions drift apart).
    ipls, spread = [], []
    for n in range(1, N + 1):
        v0, v1 = versions(f"{W}/v{n}/checkpoint-at-cut.json"), versions(f"{W}/v{n}/checkpoint-at-heal.json")
        if v0 is not None and v1 is not None:
            ipls.append(min(v1) - min(v0))
            spread.append(max(v1) - min(v1))
    resumed = []
    agents = {x["agentId"] for s in api if s["t"] < a for x in s["agents"]}
    for agent in agents:
        resumed.append(fresh_from(agent, b, end))
    r["outage"] = {
        "seconds": round(b - a),
        "scored_ratio_min": fmt(min(scored)),
        "delivered_ratio_min": fmt(min(delivered)),
        "delivered_any_time_ratio_min": fmt(min(late)),
        "ipls_rounds_min": min(ipls) if ipls else None,
        "ipls_partition_spread_max": max(spread) if spread else None,
        "status_resumed_s_max": None if (not resumed or None in resumed) else fmt(max(resumed)),
        "status_resumed_agents": f"{sum(1 for x in resumed if x is not None)}/{len(resumed)}",
    }

if "kill" in marks:
    a, rs, end = marks["kill"], marks["kill_restart"], marks["kill_end"]
    gaps = []
    for n in range(2, N + 1):
        ts_ = [a] + [t for t in rounds(f"agent-v{n}") if a <= t < end] + [end]
        gaps.append(max(y - x for x, y in zip(ts_, ts_[1:])))
    base = []
    if "baseline_start" in marks:
        for n in range(1, N + 1):
            ts_ = [t for t in rounds(f"agent-v{n}") if marks["baseline_start"] <= t < marks["baseline_end"]]
            if len(ts_) > 1:
                base.append(max(y - x for x, y in zip(ts_, ts_[1:])))
    ids = {x["agentId"] for s in api if s["t"] < a for x in s["agents"] if x["vehicle"] == 1 and x["role"] == "peer"}
    rejoin = next((s["t"] - rs for s in api if s["t"] >= rs for x in s["agents"]
                   if x["agentId"] in ids and x.get("statusAt") and ts(x["statusAt"]) >= rs and x.get("synchronized")), None)
    # How the dashboard recorded the SIGKILL: "Lost" (connection dropped) or "Left" (a graceful leave).
    kinds = []
    if db is not None and ids:
        kinds = [k for (k,) in db.execute(
            "SELECT kind FROM events WHERE at_ms>=? AND at_ms<? AND kind IN ('Left','Lost') AND subject=? ORDER BY at_ms",
            (int(a * 1000), int(rs * 1000), next(iter(ids))))]
    r["kill"] = {"survivor_round_gap_s_max": fmt(max(gaps)), "baseline_round_gap_s_max": fmt(max(base)) if base else None,
                 "rejoin_s": fmt(rejoin), "same_agent_id": len(ids) == 1, "recorded_as": kinds[0] if kinds else None}

if "loss_start" in marks:
    a, b = marks["loss_start"], marks["loss_end"]
    ratios = {}
    for n in range(1, N + 1):
        samples, scores = taps[n]
        ratios[n] = scored_ratio(samples, scores, a, b)
    produced1 = count(taps[1][0], a, b) / (b - a) / 4.0
    r["loss30"] = {"others_scored_ratio_min": fmt(min(v for k, v in ratios.items() if k != 1)),
                   "lossy_scored_ratio": fmt(ratios[1]), "lossy_generator_ratio": fmt(produced1), "seconds": round(b - a)}

if "restart_term" in marks:
    a, rd, end = marks["restart_term"], marks["restart_ready"], marks["fleet_end"]
    # Each score made from 5 s before the SIGTERM to 2 s before the end must be in the history, found
    # by its value (float32, as stored), whatever time it was recorded at.
    lost = 0
    for n in range(1, N + 1):
        stored = collections.Counter(v for (v,) in db.execute("SELECT score FROM scores WHERE vehicle=? AND at_ms>=?", (n, int((a - 600) * 1000))))
        for t, v in score_values[n]:
            if a - 5 <= t < end - 2:
                if stored[v] > 0:
                    stored[v] -= 1
                else:
                    lost += 1
    rereg = []
    ids = {x["agentId"] for s in api if s["t"] < a for x in s["agents"]}
    for agent in ids:
        first = next((s["t"] for s in api if s["t"] >= rd for x in s["agents"] if x["agentId"] == agent), None)
        rereg.append(None if first is None else first - float(marks["restart_start"]))
    r["restart"] = {"stop_s": float(open(f"{W}/restart_stop_s").read()), "history_rows_lost": lost,
                    "reregistered_s_max": None if (not rereg or None in rereg) else fmt(max(rereg)),
                    "reregistered_agents": f"{sum(1 for x in rereg if x is not None)}/{len(rereg)}"}

if cap is not None:
    r["capacity"] = cap

targets = [
    ("baseline.scores_per_s_min", lambda v: v >= 3.9, ">= 3.9"),
    ("outage.scored_ratio_min", lambda v: v >= 0.99, ">= 0.99"),
    ("outage.delivered_ratio_min", lambda v: v >= 0.99, ">= 0.99"),
    ("outage.status_resumed_s_max", lambda v: v <= 15, "<= 15"),
    ("kill.rejoin_s", lambda v: v <= 60, "<= 60"),
    ("kill.recorded_as", lambda v: v == "Lost", "Lost"),
    ("loss30.others_scored_ratio_min", lambda v: v >= 0.99, ">= 0.99"),
    ("restart.stop_s", lambda v: v < 5, "< 5"),
    ("restart.history_rows_lost", lambda v: v == 0, "= 0"),
    ("restart.reregistered_s_max", lambda v: v <= 30, "<= 30"),
    ("capacity.outage_hours_held", lambda v: v >= 2, ">= 2"),
]
if transport == "ipfs":
    targets.append(("outage.ipls_rounds_min", lambda v: v > 0, "> 0"))
    targets.append(("outage.ipls_partition_spread_max", lambda v: v <= 1, "<= 1"))
missed = []
lines = []
for key, ok, text in targets:
    sect, name = key.split(".")
    if sect not in r:
        continue
    v = r[sect].get(name)
    good = v is not None and ok(v)
    if not good:
        missed.append(key)
    lines.append(f"| `{key}` | {v} | {text} | {'ok' if good else 'MISSED'} |")
r["targets_missed"] = missed
print("| figure | measured | target | |\n|---|---|---|---|\n" + "\n".join(lines), file=sys.stderr)
print(json.dumps(r, indent=None if as_json else 2), file=sys.stdout if as_json else sys.stderr)
sys.exit(1 if check and missed else 0)
