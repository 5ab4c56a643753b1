using System.Globalization;
using System.Text;
using Federated.Edge.Quantization;

namespace Federated.Tests.Edge.Native;

/// <summary>
/// Kernels the shipped architectures do not reach (strided and padded convolution with a
/// non-square kernel, depthwise convolution with a depth multiplier, padded max and average
/// pooling, add with requantization, ReLU6), called directly from a C program built with gcc,
/// against references computed here from the contract's arithmetic.
/// </summary>
public class KernelTests
{
    private readonly Random _random = new(2026);

    [Fact]
    public async Task Kernels_MatchIndependentReferences()
    {
        var program = new KernelProgram();
        var expected = new Dictionary<string, sbyte[]>();

        expected["conv"] = Conv(program, "conv", depthwise: false, inC: 3, h: 7, w: 6, outC: 4, kh: 3, kw: 2, sh: 2, sw: 1, ph: 1, pw: 1);
        expected["dwconv"] = Conv(program, "dwconv", depthwise: true, inC: 3, h: 5, w: 5, outC: 6, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1);
        expected["maxpool"] = Pool(program, "maxpool", max: true, c: 2, h: 7, w: 7, k: 3, stride: 2, pad: 1);
        expected["avgpool"] = Pool(program, "avgpool", max: false, c: 2, h: 7, w: 8, k: 3, stride: 2, pad: 1);
        var (add, addFloat) = Add(program, "add", 40);
        expected["add"] = add;
        expected["relu6"] = Relu6(program, "relu6", 50);

        var outputs = await program.RunAsync();

        foreach (var (name, values) in expected)
            Assert.True(values.AsSpan().SequenceEqual(outputs[name]), $"{name}: expected [{string.Join(", ", values)}], got [{string.Join(", ", outputs[name])}]");
        // The add's integer scheme lands within one step of the real sum, requantized.
        for (int i = 0; i < addFloat.Length; i++) Assert.InRange(outputs["add"][i] - addFloat[i], -1, 1);
    }

    private sbyte[] Conv(KernelProgram program, string name, bool depthwise, int inC, int h, int w, int outC, int kh, int kw, int sh, int sw, int ph, int pw)
    {
        int oh = (h + 2 * ph - kh) / sh + 1, ow = (w + 2 * pw - kw) / sw + 1;
        int perOut = depthwise ? kh * kw : inC * kh * kw;
        int multiplier = outC / inC;
        sbyte[] x = RandomBytes(inC * h * w);
        sbyte[] weights = RandomBytes(outC * perOut, -127);
        int inZp = _random.Next(-20, 21), outZp = _random.Next(-10, 11);
        var bias = new int[outC];
        var folded = new int[outC];
        var multipliers = new int[outC];
        var shifts = new int[outC];
        for (int c = 0; c < outC; c++)
        {
            bias[c] = _random.Next(-5000, 5001);
            int sum = 0;
            for (int j = 0; j < perOut; j++) sum += weights[c * perOut + j];
            folded[c] = bias[c] - inZp * sum; // the kernels' documented bias: the zero point folded in
            (multipliers[c], shifts[c]) = Requantization.QuantizeMultiplier(30.0 / (Math.Sqrt(perOut) * 70 * 73) * (0.5 + _random.NextDouble()));
        }
        var y = new sbyte[outC * oh * ow];
        for (int oc = 0; oc < outC; oc++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                {
                    int acc = bias[oc];
                    for (int ic = 0; ic < (depthwise ? 1 : inC); ic++)
                        for (int ky = 0; ky < kh; ky++)
                            for (int kx = 0; kx < kw; kx++)
                            {
                                int iy = oy * sh - ph + ky, ix = ox * sw - pw + kx;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue; // padding is real 0
                                int channel = depthwise ? oc / multiplier : ic;
                                acc += (x[(channel * h + iy) * w + ix] - inZp) * weights[oc * perOut + (ic * kh + ky) * kw + kx];
                            }
                    y[(oc * oh + oy) * ow + ox] = (sbyte)Math.Clamp(Requantization.Requantize(acc, multipliers[oc], shifts[oc]) + outZp, -128, 127);
                }
        program.Array(name + "_x", x);
        program.Array(name + "_w", weights);
        program.Array(name + "_b", folded);
        program.Array(name + "_m", multipliers);
        program.Array(name + "_s", shifts);
        program.Call(name, y.Length, depthwise ? "fed_depthwise_conv2d_s8" : "fed_conv2d_s8",
            $".in_c = {inC}, .in_h = {h}, .in_w = {w}, .out_c = {outC}, .out_h = {oh}, .out_w = {ow}, .kernel_h = {kh}, .kernel_w = {kw}, "
            + $".stride_h = {sh}, .stride_w = {sw}, .pad_h = {ph}, .pad_w = {pw}, .depth_multiplier = {multiplier}, .input_zp = {inZp}, .output_zp = {outZp}, "
            + $".act_min = -128, .act_max = 127, .weights = {name}_w, .bias = {name}_b, .multipliers = {name}_m, .shifts = {name}_s");
        return y;
    }

    private sbyte[] Pool(KernelProgram program, string name, bool max, int c, int h, int w, int k, int stride, int pad)
    {
        int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
        sbyte[] x = RandomBytes(c * h * w);
        int actMin = -100, actMax = 100;
        var y = new sbyte[c * oh * ow];
        for (int ch = 0; ch < c; ch++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                {
                    int best = int.MinValue, sum = 0, count = 0;
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++)
                        {
                            int iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue; // padding is left out
                            int v = x[(ch * h + iy) * w + ix];
                            best = Math.Max(best, v);
                            sum += v;
                            count++;
                        }
                    // Average: round half away from zero.
                    int value = max ? best : (int)Math.Round(sum / (double)count, MidpointRounding.AwayFromZero);
                    y[(ch * oh + oy) * ow + ox] = (sbyte)Math.Clamp(value, actMin, actMax);
                }
        program.Array(name + "_x", x);
        program.Call(name, y.Length, max ? "fed_max_pool_s8" : "fed_avg_pool_s8",
            $".in_c = {c}, .in_h = {h}, .in_w = {w}, .out_c = {c}, .out_h = {oh}, .out_w = {ow}, .kernel_h = {k}, .kernel_w = {k}, "
            + $".stride_h = {stride}, .stride_w = {stride}, .pad_h = {pad}, .pad_w = {pad}, .act_min = {actMin}, .act_max = {actMax}");
        return y;
    }

    private (sbyte[] Integer, int[] Float) Add(KernelProgram program, string name, int n)
    {
        sbyte[] a = RandomBytes(n), b = RandomBytes(n);
        var qa = new ActivationQuantization(0.05f, 7);
        var qb = new ActivationQuantization(0.11f, -13);
        var qo = new ActivationQuantization(0.13f, 4);
        const int leftShift = 20;
        // TFLite's add: both inputs to the scale 2·max(sa, sb), shifted up by 20 bits for headroom.
        double twiceMax = 2 * Math.Max(qa.Scale, (double)qb.Scale);
        var (ma, sa) = Requantization.QuantizeMultiplier(qa.Scale / twiceMax);
        var (mb, sb) = Requantization.QuantizeMultiplier(qb.Scale / twiceMax);
        var (mo, so) = Requantization.QuantizeMultiplier(twiceMax / ((1 << leftShift) * (double)qo.Scale));
        var y = new sbyte[n];
        var real = new int[n];
        for (int i = 0; i < n; i++)
        {
            int sum = Requantization.Requantize((a[i] - qa.ZeroPoint) << leftShift, ma, sa) + Requantization.Requantize((b[i] - qb.ZeroPoint) << leftShift, mb, sb);
            y[i] = (sbyte)Math.Clamp(Requantization.Requantize(sum, mo, so) + qo.ZeroPoint, -128, 127);
            real[i] = qo.Quantize(qa.Dequantize(a[i]) + qb.Dequantize(b[i]));
        }
        program.Array(name + "_x", a);
        program.Array(name + "_x2", b);
        program.Raw($"    {{ const fed_layer l = {{ .input_zp = {qa.ZeroPoint}, .input2_zp = {qb.ZeroPoint}, .output_zp = {qo.ZeroPoint}, .act_min = -128, .act_max = 127, "
            + $".left_shift = {leftShift}, .input_mult = {ma}, .input_shift = {sa}, .input2_mult = {mb}, .input2_shift = {sb}, .output_mult = {mo}, .output_shift = {so} }};\n"
            + $"      int8_t out[{n}]; fed_add_s8(&l, {name}_x, {name}_x2, out, {n}); print(\"{name}\", out, {n}); }}");
        return (y, real);
    }

    private sbyte[] Relu6(KernelProgram program, string name, int n)
    {
        sbyte[] x = RandomBytes(n);
        // ReLU6 is a clamp to [q(0), q(6)]; at scale 0.06 the 6.0 ceiling (step 80) lies inside int8.
        var q2 = new ActivationQuantization(0.06f, -20);
        int six = q2.ZeroPoint + (int)Math.Round(6 / q2.Scale);
        var y = new sbyte[n];
        for (int i = 0; i < n; i++) y[i] = (sbyte)Math.Clamp((int)x[i], q2.ZeroPoint, six);
        program.Array(name + "_x", x);
        program.Raw($"    {{ int8_t out[{n}]; fed_clamp_s8({name}_x, out, {n}, {q2.ZeroPoint}, {six}); print(\"{name}\", out, {n}); }}");
        return y;
    }

    private sbyte[] RandomBytes(int n, int low = -128)
    {
        var values = new sbyte[n];
        for (int i = 0; i < n; i++) values[i] = (sbyte)_random.Next(low, 128);
        return values;
    }

    /// <summary>Collects arrays and kernel calls into one C program, builds it with gcc and parses its output.</summary>
    private sealed class KernelProgram
    {
        private readonly StringBuilder _data = new();
        private readonly StringBuilder _calls = new();

        public void Array(string symbol, sbyte[] values) =>
            _data.Append("static const int8_t ").Append(symbol).Append("[] = {").AppendJoin(", ", values).AppendLine("};");

        public void Array(string symbol, int[] values) =>
            _data.Append("static const int32_t ").Append(symbol).Append("[] = {").AppendJoin(", ", values).AppendLine("};");

        public void Call(string name, int outputs, string kernel, string fields) =>
            Raw($"    {{ const fed_layer l = {{ {fields} }};\n      int8_t out[{outputs}]; {kernel}(&l, {name}_x, out); print(\"{name}\", out, {outputs}); }}");

        public void Raw(string code) => _calls.AppendLine(code);

        public async Task<Dictionary<string, sbyte[]>> RunAsync()
        {
            string directory = NativeToolchain.NewWorkDirectory("kernels");
            try
            {
                string source = Path.Combine(directory, "kernels.c");
                File.WriteAllText(source,
                    "#include <stdio.h>\n#include \"fed_runtime.h\"\n"
                    + "static void print(const char *name, const int8_t *v, int n) { printf(\"%s\", name); for (int i = 0; i < n; i++) printf(\" %d\", v[i]); printf(\"\\n\"); }\n"
                    + _data + "int main(void)\n{\n" + _calls + "    return 0;\n}\n");
                string runtime = NativeToolchain.RuntimeDirectory;
                var arguments = new List<string> { "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-I" + Path.Combine(runtime, "include"), source };
                arguments.AddRange(Directory.GetFiles(Path.Combine(runtime, "src"), "*.c"));
                string binary = Path.Combine(directory, "kernels");
                arguments.AddRange(["-o", binary]);
                var (exit, _, stderr) = await ExternalProcess.RunAsync("gcc", arguments, TimeSpan.FromSeconds(60));
                Assert.True(exit == 0, stderr);
                var (runExit, stdout, runError) = await ExternalProcess.RunAsync(binary, [], TimeSpan.FromSeconds(20));
                Assert.True(runExit == 0, runError);
                var outputs = new Dictionary<string, sbyte[]>();
                foreach (string line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    string[] words = line.Split(' ');
                    outputs[words[0]] = words.Skip(1).Select(v => sbyte.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                }
                return outputs;
            }
            finally
            {
                NativeToolchain.Delete(directory);
            }
        }
    }
}
