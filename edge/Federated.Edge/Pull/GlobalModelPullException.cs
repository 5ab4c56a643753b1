using Grpc.Core;

namespace Federated.Edge.Pull;

/// <summary>
/// A global model could not be pulled: the coordinator refused (unknown round, no finished round,
/// unreachable), or what arrived is not the model announced (truncated, corrupt, another model).
/// </summary>
public sealed class GlobalModelPullException : Exception
{
    public GlobalModelPullException(string message) : base(message) { }

    public GlobalModelPullException(string message, Exception inner) : base(message, inner) { }

    public GlobalModelPullException(string message, StatusCode status, Exception inner) : base(message, inner) => Status = status;

    public GlobalModelPullException() { }

    /// <summary>The coordinator's gRPC status when it refused the call; null when the transfer itself was bad.</summary>
    public StatusCode? Status { get; }
}
