#!/bin/sh
# usage: measure.sh CLIENTS SECONDS OUT
# Runs /tmp/wirefeed (go build -o /tmp/wirefeed ./cmd/wirefeed) under
# /usr/bin/time -v in /tmp/load (config.yaml and a store made by
# "filterload fill"), floods it with /tmp/filterload for SECONDS, stops it
# and prints the flood's figures and the daemon's peak RSS and CPU time.
cd /tmp/load
/usr/bin/time -v /tmp/wirefeed run -config config.yaml > daemon.out 2> "$3.daemon" &
tpid=$!
for i in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:8099/healthz && break; sleep 0.1; done
/tmp/filterload run -clients "$1" -duration "$2s" > "$3" 2>&1
# /usr/bin/time's child is the daemon: signal it by its parent's id.
kill -INT $(ps -o pid= --ppid $tpid)
wait $tpid
cat "$3"; grep -E "Maximum resident|User time|System time" "$3.daemon"
