#!/usr/bin/env bash
# The main job: a simulated federation on real data, through the production coordinator and
# client code. Default scenario (simulations/scenarios/default.json): Fashion-MNIST over 100
# clients with Dirichlet(0.5) label skew, 10 clients per round, the classic CNN, FedAvg.
# Uses the Debian dataset-fashion-mnist files when installed, otherwise the Fashion-MNIST subset
# shipped in simulations/data (it says which). Ends with the test accuracy, the plot and a summary.
# Extra arguments go to federated-sim, e.g. ./run.sh --rounds 10 --set partition.alpha=0.1
set -euo pipefail
cd "$(dirname "$0")"
dotnet build simulations/Federated.Simulations.Cli -c Release --nologo -v quiet -clp:ErrorsOnly
# Runs land in ./runs unless the caller names another folder.
output=(--output runs)
for arg in "$@"; do
  case "$arg" in --output|--output=*) output=() ;; esac
done
exec dotnet simulations/Federated.Simulations.Cli/bin/Release/net10.0/federated-sim.dll "${output[@]}" "$@"
