using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Shared.Training;

/// <summary>What every trainer checks before it trains or evaluates: the parameters, the architecture and the data fit together.</summary>
public static class TrainingInputs
{
    /// <summary>Throws naming the mismatch when <paramref name="layout"/> or <paramref name="data"/> does not fit <paramref name="architecture"/>.</summary>
    /// <param name="role">The data set's role in messages ("training", "evaluation").</param>
    public static void CheckCompatible(ModelArchitecture architecture, ParameterLayout layout, LabeledDataset data, string role)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(data);
        if (!layout.Equals(architecture.Layout))
            throw new ArgumentException($"The parameters' layout ({layout}) is not the architecture's ({architecture.Layout}).", nameof(layout));
        if (architecture.InputLength != data.FeaturesPerExample)
            throw new ArgumentException(
                $"The architecture takes {architecture.InputLength} inputs per example but the {role} set's examples hold {data.FeaturesPerExample} values.", nameof(architecture));
        if (architecture.OutputCount < data.ClassCount)
            throw new ArgumentException(
                $"The architecture scores {architecture.OutputCount} classes but the {role} set has {data.ClassCount}.", nameof(architecture));
    }
}
