#!/bin/sh
# Starts tor, then copies the onion address (not the keys) beside the socket, where the app reads
# it to print at start-up: the app's container never sees the service's secret key.
set -eu
tor -f /etc/tor/torrc &
pid=$!
trap 'kill -TERM "$pid"' TERM INT
while [ ! -s /var/lib/tor/offscript/hostname ]; do
  kill -0 "$pid" 2>/dev/null || exit 1
  sleep 1
done
cp /var/lib/tor/offscript/hostname /run/offscript/onion-hostname
wait "$pid"
