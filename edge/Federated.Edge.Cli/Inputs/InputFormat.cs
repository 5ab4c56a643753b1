namespace Federated.Edge.Cli.Inputs;

/// <summary>How an input file is laid out.</summary>
internal enum InputFormat
{
    /// <summary>From the file: IDX by its magic number (gzip too), CSV by extension, else raw.</summary>
    Auto,
    /// <summary>IDX images (idx3-ubyte, optionally .gz), pixels normalised as Fashion-MNIST training does.</summary>
    Idx,
    /// <summary>CSV, one example per row, an optional header row; with a label column, labels too.</summary>
    Csv,
    /// <summary>Little-endian float32 values, examples end to end, already preprocessed.</summary>
    Raw,
}
