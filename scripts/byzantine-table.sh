#!/usr/bin/env bash
# Accuracy under Byzantine clients: runs simulations/scenarios/byzantine.json (MLP, IID
# Fashion-MNIST, 50 clients, 12 per round, 20 rounds, attackers send −4 × their update) for each
# strategy at 0%, 10% and 20% Byzantine clients, and prints the final test accuracy as a table.
# The robust strategies assume f = 2 attackers per round (20% of 12, rounded down); trimmed mean
# cuts 20% from each end. Extra arguments go to every run, e.g. --rounds 5.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build simulations/Federated.Simulations.Cli -c Release --nologo -v quiet -clp:ErrorsOnly >&2
out=$(mktemp -d)
strategies=(fedavg fedmedian fedtrimmedavg krum multikrum bulyan)
fractions=(0 0.1 0.2)
declare -A accuracy
for strategy in "${strategies[@]}"; do
  for fraction in "${fractions[@]}"; do
    dotnet simulations/Federated.Simulations.Cli/bin/Release/net10.0/federated-sim.dll \
      --scenario simulations/scenarios/byzantine.json --output "$out/$strategy-$fraction" \
      --set strategy.name="$strategy" --set strategy.options.byzantineClients=2 \
      --set strategy.options.trimFraction=0.2 --set faults.byzantineFraction="$fraction" "$@" >"$out/$strategy-$fraction.log" 2>&1 \
      || { echo "run $strategy at $fraction failed; log: $out/$strategy-$fraction.log" >&2; exit 1; }
    summary=$(ls "$out/$strategy-$fraction"/*/summary.json)
    accuracy[$strategy,$fraction]=$(sed -n 's/.*"finalAccuracy": \([0-9.]*\).*/\1/p' "$summary")
    echo "$strategy at $fraction Byzantine: final accuracy ${accuracy[$strategy,$fraction]}" >&2
  done
done
printf '| strategy | %s |\n|---|---|---|---|\n' "0% Byzantine | 10% | 20%"
for strategy in "${strategies[@]}"; do
  row="| $strategy |"
  for fraction in "${fractions[@]}"; do
    row+=$(awk -v a="${accuracy[$strategy,$fraction]}" 'BEGIN { printf " %.2f%% |", a * 100 }')
  done
  echo "$row"
done
echo "Runs: $out" >&2
