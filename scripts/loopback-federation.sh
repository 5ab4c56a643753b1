#!/usr/bin/env bash
# A real federation of separate processes on this machine. A coordinator and three clients run as
# separate processes and talk gRPC over loopback; each client trains the classic CNN with
# TorchSharp on its own 20,000-image shard of Fashion-MNIST; the coordinator aggregates with
# FedAvg, evaluates every global model on the 10,000-image test set, and persists every round
# in SQLite. The federation is provisioned first (a root CA, the coordinator's and each client's
# certificate bundle, with federated-trust) and every connection uses mutual TLS.
# Settings: coordinator/Federated.Coordinator.Host/appsettings.json; extra arguments
# go to the coordinator (e.g. scripts/loopback-federation.sh --Federation:Rounds 5).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-prerequisites.sh

clients=3
port=${FEDERATED_PORT:-5050}
run_dir="$PWD/runs/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run_dir"

dotnet build Federated.sln -c Release --nologo -v quiet -clp:ErrorsOnly
coordinator_dir=coordinator/Federated.Coordinator.Host/bin/Release/net10.0
client_dll=client/Federated.Client.Cli/bin/Release/net10.0/federated-client.dll
trust_dll=shared/Federated.Trust.Cli/bin/Release/net10.0/federated-trust.dll

# Provisioning: one password file for the CA key and the bundles (a real federation keeps them apart).
secret="$run_dir/password"
(umask 077; head -c 24 /dev/urandom | base64 > "$secret")
trust() { dotnet "$trust_dll" --ca-dir "$run_dir/ca" --password-file "$secret" "$@" >/dev/null; }
trust ca create --federation loopback
trust issue coordinator --ip 127.0.0.1 --dns localhost --address "https://127.0.0.1:$port" \
  --out "$run_dir/bundles/coordinator" --bundle-password-file "$secret"
for k in $(seq 1 $clients); do
  trust issue site "client-$k" --address "https://127.0.0.1:$port" --out "$run_dir/bundles/client-$k" --bundle-password-file "$secret"
done

pids=()
coordinator=""
trap 'kill $coordinator "${pids[@]}" 2>/dev/null || true' EXIT

echo "Coordinator on https://127.0.0.1:$port (mutual TLS); logs, database and bundles in $run_dir"
dotnet "$coordinator_dir/federated-coordinator.dll" \
  --urls "https://127.0.0.1:$port" \
  --Security:Bundle "$run_dir/bundles/coordinator" --Security:PasswordFile "$secret" \
  --Security:RevocationList "$run_dir/ca/crl.pem" \
  --Federation:DatabasePath "$run_dir/coordinator.db" \
  --Federation:MinClients $clients --Federation:ClientsPerRound $clients \
  --Federation:FederatedEvaluation false --Federation:ExitWhenDone true \
  "$@" > >(tee "$run_dir/coordinator.log") 2>&1 &
coordinator=$!

for k in $(seq 1 $clients); do
  # One training thread per client: three clients share this machine's cores.
  dotnet "$client_dll" --bundle "$run_dir/bundles/client-$k" --password-file "$secret" --name "client-$k" \
    --shard "$k/$clients" --held-out 0 --threads 1 --device cpu --max-attempts 8 \
    --cache "$run_dir/cache-$k" >"$run_dir/client-$k.log" 2>&1 &
  pids+=($!)
done

# Wait for everything; a client that fails stops the run (the coordinator would wait for it forever).
waiting=("$coordinator" "${pids[@]}")
while ((${#waiting[@]} > 0)); do
  exited="" status=0
  wait -n -p exited "${waiting[@]}" || status=$?
  still=()
  for pid in "${waiting[@]}"; do [[ $pid == "$exited" ]] || still+=("$pid"); done
  waiting=("${still[@]}")
  if ((status != 0)); then
    if [[ $exited == "$coordinator" ]]; then
      echo "The coordinator failed (exit $status); see $run_dir/coordinator.log" >&2
    else
      echo "A client failed (exit $status); see $run_dir/client-*.log" >&2
    fi
    exit $status
  fi
done
trap - EXIT
echo "Client logs: $run_dir/client-*.log"
