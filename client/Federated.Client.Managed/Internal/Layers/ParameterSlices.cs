namespace Federated.Client.Managed.Internal.Layers;

/// <summary>A parametric layer's views into the model's flat parameter and gradient buffers.</summary>
internal readonly record struct ParameterSlices(Memory<float> Weight, Memory<float> Bias, Memory<float> WeightGradient, Memory<float> BiasGradient);
