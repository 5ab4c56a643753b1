namespace Federated.Edge.CodeGen;

/// <summary>The generated model does not fit the flash or RAM budget given in <see cref="CGeneratorOptions"/>.</summary>
public sealed class ModelBudgetExceededException : Exception
{
    public ModelBudgetExceededException()
    {
    }

    public ModelBudgetExceededException(string message) : base(message)
    {
    }

    public ModelBudgetExceededException(string message, Exception innerException) : base(message, innerException)
    {
    }

    internal ModelBudgetExceededException(string message, CModelReport report) : base(message) => Report = report;

    /// <summary>The footprint that did not fit.</summary>
    public CModelReport? Report { get; }
}
