#!/usr/bin/env bash
# Runs every test: unit, integration (real gRPC on loopback, real MQTT brokers, real SQLite) and a real federated
# training run on Fashion-MNIST with TorchSharp.
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-prerequisites.sh
dotnet test Federated.sln -c Release --nologo "$@"
