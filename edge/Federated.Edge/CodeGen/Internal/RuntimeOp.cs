namespace Federated.Edge.CodeGen.Internal;

/// <summary>The <c>fed_op</c> values of <c>edge/runtime/include/fed_runtime.h</c>.</summary>
internal enum RuntimeOpKind
{
    FullyConnected = 1,
    Conv2d = 2,
    DepthwiseConv2d = 3,
    MaxPool = 4,
    AvgPool = 5,
    Clamp = 6,
    Add = 7,
    Reshape = 8,
    Softmax = 9,
}

/// <summary>
/// One row of the generated layer table, mirroring the C struct <c>fed_layer</c>. Tensors are
/// numbered: 0 is the model input, op k writes tensor k + 1; the arena planner turns numbers into offsets.
/// </summary>
internal sealed class RuntimeOp
{
    public required RuntimeOpKind Kind { get; init; }

    /// <summary>Human text for comments and the report: <c>linear 784 200 + relu</c>.</summary>
    public required string Description { get; init; }

    public int InputTensor { get; set; }

    public int OutputTensor { get; set; }

    public int InC { get; init; } = 1;
    public int InH { get; init; } = 1;
    public int InW { get; init; } = 1;
    public int OutC { get; init; } = 1;
    public int OutH { get; init; } = 1;
    public int OutW { get; init; } = 1;
    public int KernelH { get; init; }
    public int KernelW { get; init; }
    public int StrideH { get; init; }
    public int StrideW { get; init; }
    public int PadH { get; init; }
    public int PadW { get; init; }
    public int DepthMultiplier { get; init; }
    public int InputZeroPoint { get; init; }
    public int OutputZeroPoint { get; init; }
    public int ActMin { get; init; } = -128;
    public int ActMax { get; init; } = 127;

    public sbyte[]? Weights { get; init; }

    /// <summary>Bias with the input zero point folded in: <c>bias − inZp · Σ w</c>.</summary>
    public int[]? FoldedBias { get; init; }

    public int[]? RawBias { get; init; }
    public int[]? Multipliers { get; init; }
    public int[]? Shifts { get; init; }
    public uint[]? ExpTable { get; init; }

    public int OutputSize => OutC * OutH * OutW;

    public long Macs => Kind switch
    {
        RuntimeOpKind.FullyConnected => (long)InC * OutC,
        RuntimeOpKind.Conv2d => (long)OutputSize * InC * KernelH * KernelW,
        RuntimeOpKind.DepthwiseConv2d => (long)OutputSize * KernelH * KernelW,
        _ => 0,
    };
}
