using System.CommandLine;
using Federated.Edge.Cli.Inputs;

namespace Federated.Edge.Cli;

/// <summary>The options that name a set of examples (<c>--input</c> or, with a prefix, <c>--calibration</c>), added to a command together.</summary>
internal sealed class InputOptions
{
    private readonly Option<string> _path;
    private readonly Option<InputFormat> _format;
    private readonly Option<string?> _labels;
    private readonly Option<string?> _labelColumn;
    private readonly Option<int> _limit;

    /// <param name="name">The option naming the file: <c>input</c> or <c>calibration</c>.</param>
    public InputOptions(string name, string what, int defaultLimit, bool required = true)
    {
        string prefix = name == "input" ? "" : name + "-";
        _path = new Option<string>("--" + name)
        {
            Description = $"{what}: an IDX image file (.gz too; pixels normalised as Fashion-MNIST), a CSV file, raw little-endian float32, or 'fashion-mnist[:test|:train]' for the installed dataset.",
            Required = required,
        };
        _format = new Option<InputFormat>("--" + prefix + "format")
        {
            Description = $"Format of --{name}: auto (IDX by magic number, CSV by extension, else raw), idx, csv or raw.",
            DefaultValueFactory = _ => InputFormat.Auto,
        };
        _labels = new Option<string?>("--" + prefix + "labels") { Description = $"IDX labels (idx1-ubyte) for IDX images in --{name}." };
        _labelColumn = new Option<string?>("--" + prefix + "label-column") { Description = $"The CSV column of --{name} that holds labels (the others are features)." };
        _limit = new Option<int>("--" + prefix + "limit")
        {
            Description = $"Use at most this many examples of --{name} (0 = all).",
            DefaultValueFactory = _ => defaultLimit,
        };
        Name = name;
    }

    public string Name { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(_path);
        command.Options.Add(_format);
        command.Options.Add(_labels);
        command.Options.Add(_labelColumn);
        command.Options.Add(_limit);
        command.Validators.Add(result =>
        {
            if (Given.TryGet(result, _limit, out int limit) && limit < 0) result.AddError($"{_limit.Name} must be 0 (all) or positive.");
            if (Given.TryGet(result, _labels, out string? labels) && labels is not null && !File.Exists(labels)) result.AddError($"{_labels.Name} '{labels}' does not exist.");
        });
    }

    public bool IsGiven(ParseResult result) => result.GetValue(_path) is not null;

    public InputSpec ToSpec(ParseResult result) =>
        new(result.GetValue(_path)!, result.GetValue(_format), result.GetValue(_labels), result.GetValue(_labelColumn), result.GetValue(_limit));
}
