# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034,SC2154
#
# The figures of scripts/bench.sh (which sources this file): the table's
# rows, each run's values, the notes and the machine's description, in the
# files of the work directory $W that scripts/bench/report.py renders; and
# the arithmetic over the processes' JSON summaries.

# b_results_init: the empty files report.py reads.
b_results_init() {
	: >"$W/rows.tsv"
	: >"$W/values.tsv"
	: >"$W/notes.tsv"
	: >"$W/ratios.tsv"
	: >"$W/meta.tsv"
}

# b_row ID SCENARIO METRIC UNIT: declare a table row (in order).
b_row() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$W/rows.tsv"
}

# b_val ID VALUE: one run's figure.
b_val() {
	[ -n "$2" ] && [ "$2" != None ] && printf '%s\t%s\n' "$1" "$2" >>"$W/values.tsv"
	return 0
}

# b_note ID TEXT
b_note() {
	printf '%s\t%s\n' "$1" "$2" >>"$W/notes.tsv"
}

b_meta() {
	printf '%s\t%s\n' "$1" "$2" >>"$W/meta.tsv"
}

# "lo-hi" of a list of numbers (for notes); empty when the list is.
b_span() {
	[ $# -eq 0 ] && return 0
	printf '%s\n' "$@" | sort -n | awk 'NR == 1 {lo = $1} {hi = $1}
		END { if (lo == hi) print lo; else print lo "-" hi }'
}

# b_json FILE EXPR: a Python expression over the JSON document d; nothing
# when FILE is missing or unreadable (a failed run).
b_json() {
	tt_json_get "$1" "$2" 2>/dev/null
}

# b_calc EXPR: arithmetic in Python (floats).
b_calc() {
	"$TT_PY" -c "import sys; print($1)" 2>/dev/null
}
