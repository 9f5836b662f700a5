#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Plot a tcpterm run: the per-second series of `tcpterm --csv FILE` and,
# optionally, the latency percentiles of its `--json FILE` summary.
#
#	scripts/plot.sh CSV [PNG] [JSON]
#
# PNG defaults to CSV with its extension replaced by .png. The image has,
# over time: new, completed and accepted connections per second; active
# connections (and flows in the table); failures and retransmissions per
# interval. With JSON, a last panel shows the client's latency percentiles
# (p50, p90, p99, p99.9, max of connect, first byte, last byte, lifetime)
# as bars on a log scale.
#
# Uses gnuplot when installed (Debian: gnuplot-nox), otherwise Python's
# matplotlib (Debian: python3-matplotlib, run with /usr/bin/python3).
# TT_PLOT=gnuplot or TT_PLOT=matplotlib forces one. Prints which one made
# the image. Exit status: 0 done, 1 failure, 2 usage.

set -u

usage() {
	echo "usage: $0 CSV [PNG] [JSON]" >&2
	echo "  CSV   the per-second series (tcpterm --csv)" >&2
	echo "  PNG   the image to write (default: CSV with .png)" >&2
	echo "  JSON  the summary (tcpterm --json): adds the latency percentiles" >&2
	exit 2
}

die() {
	echo "plot.sh: $*" >&2
	exit 1
}

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
	usage
fi
case "$1" in -h | --help) usage ;; esac
csv=$1
png=${2:-}
json=${3:-}
[ -n "$png" ] || png=${csv%.csv}.png
[ "$png" != "$csv" ] || png=$csv.png
[ -r "$csv" ] || die "cannot read $csv"

header="time_s,new_per_s,completed_per_s,failed_refused,failed_timeout,failed_reset,failed_bad_response,active,retransmissions,rx_mbps,tx_mbps,accepted_per_s,flows"
first=$(head -n 1 "$csv" | tr -d '\r')
[ "$first" = "$header" ] || die "$csv: not a tcpterm CSV (first line: '$first')"
rows=$(($(grep -c . "$csv") - 1))
[ "$rows" -ge 1 ] || die "$csv: no data rows (a run shorter than [general] stats_interval_ms writes none)"

py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3 2>/dev/null)
if [ -n "$json" ]; then
	[ -r "$json" ] || die "cannot read $json"
	[ -n "$py" ] || die "reading $json needs python3"
	"$py" -c 'import json, sys; json.load(open(sys.argv[1]))' "$json" 2>/dev/null ||
		die "$json: not valid JSON (the --json summary of a finished run?)"
fi

have_gnuplot() {
	command -v gnuplot >/dev/null 2>&1
}
have_matplotlib() {
	[ -n "$py" ] && "$py" -c 'import matplotlib' >/dev/null 2>&1
}

tool=${TT_PLOT:-}
case "$tool" in
"")
	if have_gnuplot; then
		tool=gnuplot
	elif have_matplotlib; then
		tool=matplotlib
	else
		die "needs gnuplot or Python's matplotlib; neither is installed." \
			"Install one: apt-get install python3-matplotlib (or gnuplot-nox)"
	fi
	;;
gnuplot) have_gnuplot || die "TT_PLOT=gnuplot, but gnuplot is not installed (apt-get install gnuplot-nox)" ;;
matplotlib) have_matplotlib || die "TT_PLOT=matplotlib, but $py cannot import matplotlib (apt-get install python3-matplotlib)" ;;
*) die "TT_PLOT must be gnuplot or matplotlib, not '$tool'" ;;
esac

title="tcpterm: $(basename "$csv")"

# Latency percentiles from the JSON as rows "kind p50 p90 p99 p99.9 max"
# (Python's json module only; no output without a client object).
latency_table() {
	"$py" - "$1" <<'EOF'
import json, sys
with open(sys.argv[1]) as f:
    d = json.load(f)
c = d.get("client")
if not c:
    sys.exit(0)
for k, h in c["latency_us"].items():
    if h["count"]:
        print(k, *(max(h[p], 1) for p in ("p50", "p90", "p99", "p99.9", "max")))
EOF
}

plot_gnuplot() {
	local tmp lat="" n=3 term
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/ttplot.XXXXXX") || die "mktemp failed"
	# shellcheck disable=SC2064 # expand now
	trap "rm -rf '$tmp'" EXIT
	if [ -n "$json" ]; then
		latency_table "$json" >"$tmp/lat.dat" || die "cannot read $json"
		[ -s "$tmp/lat.dat" ] && lat=$tmp/lat.dat n=4
		[ -s "$tmp/lat.dat" ] || echo "plot.sh: $json has no client latencies; no latency panel" >&2
	fi
	# Largest failure count (an all-zero panel gets a fixed range), and
	# the bottom of the latency axis: a power of ten below the smallest p50.
	fail_max=$(awk -F, 'NR > 1 { for (i = 4; i <= 7; i++) if ($i > m) m = $i; if ($9 > m) m = $9 }
		END { print m + 0 }' "$csv")
	lat_lo=1
	[ -n "$lat" ] && lat_lo=$(awk 'NR == 1 || $2 < m { m = $2 }
		END { e = 1; while (e * 10 <= m) e *= 10; print (e > 1 ? e / 2 : 1) }' "$lat")
	if gnuplot -e 'set terminal' 2>&1 | grep -qw pngcairo; then
		term="pngcairo size 1200,$((n * 300)) font ',10'"
	else
		term="png size 1200,$((n * 300))"
	fi
	{
		echo "set terminal $term"
		echo "set output '$png'"
		echo "set termoption noenhanced"
		echo "set datafile separator ','"
		echo "set key autotitle columnhead at screen 0.80, graph 1.0 left top Left reverse"
		echo "set grid"
		echo "set autoscale xfix"
		echo "set lmargin at screen 0.08; set rmargin at screen 0.74"
		echo "set multiplot layout $n,1 title '$title'"
		echo "set xlabel 'time (s)'"
		echo "set ylabel 'connections/s'"
		echo "set yrange [0:*]"
		echo "set title 'Connection rate'"
		echo "plot '$csv' using 'time_s':'new_per_s' with linespoints title 'new/s', \\"
		echo "     '' using 'time_s':'completed_per_s' with linespoints title 'completed/s', \\"
		echo "     '' using 'time_s':'accepted_per_s' with linespoints title 'accepted/s (server)'"
		echo "set title 'Open connections'"
		echo "set ylabel 'active connections'"
		echo "set y2label 'flows'"
		echo "set y2range [0:*]"
		echo "set y2tics; set ytics nomirror"
		echo "plot '$csv' using 'time_s':'active' with linespoints axes x1y1 title 'active (client)', \\"
		echo "     '' using 'time_s':'flows' with lines axes x1y2 title 'flows (incl. TIME_WAIT)'"
		echo "unset y2label; unset y2tics; set ytics mirror"
		echo "set title 'Failures and retransmissions (per interval)'"
		echo "set ylabel 'count'"
		if [ "$fail_max" = 0 ]; then
			echo "set yrange [0:1]"
			echo "set label 1 'none' at graph 0.5, graph 0.5 center textcolor 'gray'"
		else
			echo "set yrange [0:*]"
		fi
		echo "plot '$csv' using 'time_s':'failed_refused' with linespoints title 'refused', \\"
		echo "     '' using 'time_s':'failed_timeout' with linespoints title 'timeout', \\"
		echo "     '' using 'time_s':'failed_reset' with linespoints title 'reset', \\"
		echo "     '' using 'time_s':'failed_bad_response' with linespoints title 'bad response', \\"
		echo "     '' using 'time_s':'retransmissions' with linespoints title 'retransmissions'"
		if [ -n "$lat" ]; then
			echo "unset label 1"
			echo "set datafile separator whitespace"
			echo "set title 'Client latency percentiles'"
			echo "set xlabel ''"
			echo "set ylabel 'microseconds (log)'"
			echo "set logscale y"
			echo "set yrange [$lat_lo:*]"
			echo "set autoscale x"
			echo "set style data histogram"
			echo "set style histogram clustered gap 1"
			echo "set style fill solid 0.8 border -1"
			echo "set boxwidth 0.9"
			echo "set key noautotitle"
			echo "plot '$lat' using 2:xtic(1) title 'p50', '' using 3 title 'p90', \\"
			echo "     '' using 4 title 'p99', '' using 5 title 'p99.9', '' using 6 title 'max'"
		fi
		echo "unset multiplot"
	} >"$tmp/plot.gp"
	gnuplot "$tmp/plot.gp" || die "gnuplot failed"
}

plot_matplotlib() {
	"$py" - "$csv" "$png" "$json" "$title" <<'EOF' || die "matplotlib failed"
import csv, json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

path, png, jpath, title = sys.argv[1:5]
with open(path, newline="") as f:
    rows = list(csv.DictReader(f))
col = lambda k: [float(r[k]) for r in rows]
t = col("time_s")

lat = None
if jpath:
    with open(jpath) as f:
        d = json.load(f)
    c = d.get("client")
    if c:
        lat = [(k, h) for k, h in c["latency_us"].items() if h["count"]]
    if not lat:
        print("plot.sh: %s has no client latencies; no latency panel" % jpath,
              file=sys.stderr)
        lat = None

n = 4 if lat else 3
fig, ax = plt.subplots(n, 1, figsize=(12, 3 * n), constrained_layout=True)
fig.suptitle(title)

a = ax[0]
a.plot(t, col("new_per_s"), marker=".", label="new/s")
a.plot(t, col("completed_per_s"), marker=".", label="completed/s")
if any(col("accepted_per_s")):
    a.plot(t, col("accepted_per_s"), marker=".", linestyle="--", label="accepted/s (server)")
a.set_title("Connection rate")
a.set_ylabel("connections/s")
a.set_ylim(bottom=0)

a = ax[1]
a.plot(t, col("active"), marker=".", color="C0", label="active (client)")
a.set_title("Open connections")
a.set_ylabel("active connections", color="C0")
a.set_ylim(bottom=0)
a2 = a.twinx()
a2.plot(t, col("flows"), color="C1", label="flows in table (incl. TIME_WAIT)")
a2.set_ylabel("flows", color="C1")
a2.set_ylim(bottom=0)
h1, l1 = a.get_legend_handles_labels()
h2, l2 = a2.get_legend_handles_labels()

a = ax[2]
top = 0
for k, lab in (("failed_refused", "refused"), ("failed_timeout", "timeout"),
               ("failed_reset", "reset"), ("failed_bad_response", "bad response"),
               ("retransmissions", "retransmissions")):
    v = col(k)
    top = max([top] + v)
    a.plot(t, v, marker=".", label=lab)
a.set_title("Failures and retransmissions (per interval)")
a.set_ylabel("count")
a.set_ylim(0, max(1, top * 1.1))
if top == 0:
    a.text(0.5, 0.5, "none", transform=a.transAxes, ha="center", va="center",
           color="gray")

for i, a in enumerate(ax[:3]):
    a.set_xlabel("time (s)")
    a.grid(True, alpha=0.4)
    if i == 1:
        a.legend(h1 + h2, l1 + l2, loc="upper left", bbox_to_anchor=(1.07, 1.0),
                 fontsize="small")
    else:
        a.legend(loc="upper left", bbox_to_anchor=(1.07, 1.0), fontsize="small")

if lat:
    a = ax[3]
    pcts = ("p50", "p90", "p99", "p99.9", "max")
    w = 0.8 / len(pcts)
    for i, p in enumerate(pcts):
        xs = [j + (i - (len(pcts) - 1) / 2) * w for j in range(len(lat))]
        vals = [max(h[p], 1) for _, h in lat]
        bars = a.bar(xs, vals, w, label=p)
        for b, v in zip(bars, vals):
            a.annotate(str(v), (b.get_x() + b.get_width() / 2, v), ha="center",
                       va="bottom", fontsize=7)
    a.set_xticks(range(len(lat)))
    a.set_xticklabels(["%s (n=%d)" % (k, h["count"]) for k, h in lat])
    a.set_yscale("log")
    lo = min(max(h["p50"], 1) for _, h in lat)
    a.set_ylim(bottom=10 ** max(0, len(str(int(lo))) - 1) / 2)
    a.set_ylabel("microseconds (log)")
    a.set_title("Client latency percentiles")
    a.grid(True, axis="y", alpha=0.4)
    a.legend(loc="upper left", bbox_to_anchor=(1.07, 1.0), fontsize="small")

fig.savefig(png, dpi=100)
EOF
}

"plot_$tool"
[ -s "$png" ] || die "no image written to $png"
echo "plot.sh: wrote $png with $tool ($rows rows${json:+, summary $json})"
