#!/usr/bin/env bash
# Starts three sample nodes (profiles a, b, c: HTTP on 8081-8083) on 127.0.0.1 and stops them on Ctrl-C.
# Builds the application first if sample-app/target/sample-app.jar is missing (or with --build).
# Logs: target/cluster/<node>.log. Keys and discovery files: target/cluster/.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=sample-app/target/sample-app.jar
if [[ ! -f $jar || ${1:-} == --build ]]; then
  ./mvnw -B -q -DskipTests -pl sample-app -am package
fi
mkdir -p target/cluster
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' INT TERM EXIT
for node in a b c; do
  java -jar "$jar" --spring.profiles.active="$node" > "target/cluster/$node.log" 2>&1 &
  pids+=($!)
  echo "node $node: pid $!, log target/cluster/$node.log"
done
echo "waiting for the nodes to be ready..."
for port in 8081 8082 8083; do
  until curl -sf "http://127.0.0.1:$port/actuator/health/readiness" > /dev/null; do
    if ! kill -0 "${pids[@]}" 2>/dev/null; then echo "a node exited; see target/cluster/*.log"; exit 1; fi
    sleep 1
  done
done
echo "cluster ready:"
curl -s http://127.0.0.1:8081/cluster; echo
echo "a remote call, c -> b's OrderDesk -> a's Catalog: curl -s 'localhost:8083/quote/bolt?quantity=3'"
echo "try also: curl -s localhost:8082/catalog/bolt | curl -s localhost:8082/cluster | curl -s localhost:8083/actuator/p2p/rpc"
echo "Ctrl-C stops the three nodes."
wait
