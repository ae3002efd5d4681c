#!/bin/sh
# tests/count-results.sh [DIR]: add up the `:test-result:` lines of every .trs
# file under DIR (default: the directory of this script) and print one line,
# `N passed, N failed`. PASS and XFAIL count as passed; FAIL, XPASS and ERROR
# as failed; SKIP as neither. Exits 1 when something failed or nothing ran.
dir=${1:-$(dirname "$0")}
find "$dir" -name '*.trs' -type f -exec cat {} + 2>/dev/null | awk '
	$1 == ":test-result:" {
		if ($2 == "PASS" || $2 == "XFAIL") passed++
		else if ($2 == "FAIL" || $2 == "XPASS" || $2 == "ERROR") failed++
	}
	END {
		printf "%d passed, %d failed\n", passed, failed
		exit (failed > 0 || passed == 0)
	}'
