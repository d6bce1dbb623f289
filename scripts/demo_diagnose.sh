#!/usr/bin/env bash
# Real conditions for "why is my computer slow": an idle machine, CPU burners, and a
# large deleted file still held open. Prints the top findings of each (--json).
# Usage: scripts/demo_diagnose.sh   (from the repository, with .venv installed)
set -euo pipefail
cd "$(dirname "$0")/.."
nlsh=.venv/bin/nlsh
show() {
  .venv/bin/python -c '
import json, sys
answer = json.load(sys.stdin)
print("status:", answer["status"], "|", answer["message"])
for f in answer.get("result", {}).get("findings", [])[:3]:
    print("  [%s %s] %s" % (f["severity"], f["resource"], f["summary"]))
    print("    pids:", [p["pid"] for p in f.get("processes", [])][:4],
          "| suggestion:", f.get("suggestion"), "| evidence:", f.get("evidence"))'
}
echo "== idle"
"$nlsh" --json "why is my computer slow" | show || true
echo "== three CPU burners"
burners=()
for _ in 1 2 3; do python3 -c 'while True: pass' & burners+=($!); done
sleep 3
echo "burner pids: ${burners[*]}"
"$nlsh" --json "why is my computer slow" | show || true
kill "${burners[@]}"
echo "== a 3 GiB deleted file held open"
dir=$(mktemp -d)
head -c 3G /dev/zero > "$dir/big.log"
bash -c "exec 3<'$dir/big.log'; exec sleep 120" & holder=$!
sleep 1
rm "$dir/big.log"
echo "holder pid: $holder"
"$nlsh" --json "why is my computer slow" | show || true
kill "$holder"
rm -rf "$dir"
