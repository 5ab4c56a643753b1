using Federated.Shared.Privacy;

namespace Federated.Tests.Privacy;

/// <summary>
/// The accountant against published values. Each test names its source:
/// TF-P = tensorflow/privacy, tensorflow_privacy/privacy/analysis/rdp_accountant_test.py;
/// Opacus = pytorch/opacus, opacus/tests/accountants_test.py. Values there were computed by those
/// libraries' accountants (and, for log A, checked against multi-precision integration).
/// </summary>
public class RdpAccountantTests
{
    [Fact]
    public void No_sampling_probability_spends_nothing()
    {
        // TF-P test_compute_rdp_no_data: compute_rdp(q=0, z=10, steps=1, order=20) == 0.
        Assert.Equal(0, SubsampledGaussianRdp.Compute(0, 10, 20));
    }

    [Fact]
    public void Full_participation_is_the_plain_gaussian_mechanism()
    {
        // TF-P test_compute_rdp_no_sampling: compute_rdp(q=1, z=10, 1, 20) == 0.1 (= α / 2z²).
        Assert.Equal(0.1, SubsampledGaussianRdp.Compute(1, 10, 20), 12);
    }

    [Fact]
    public void Integer_order_matches_the_published_value()
    {
        // TF-P test_compute_rdp_scalar: compute_rdp(q=0.1, z=2, steps=10, order=5) ≈ 0.07737 (5 places).
        var accountant = new RdpAccountant([5]);
        accountant.Compose(0.1, 2, 10);
        Assert.Equal(0.07737, accountant.Rdp[0], 5);
    }

    [Fact]
    public void Integer_fractional_and_infinite_orders_match_the_published_sequence()
    {
        // TF-P test_compute_rdp_sequence: compute_rdp(0.01, 2.5, 50, [1.5, 2.5, 5, 50, 100, inf])
        // ≈ [0.00065, 0.001085, 0.00218075, 0.023846, 167.416307, inf] within 1e-5.
        double[] orders = [1.5, 2.5, 5, 50, 100, double.PositiveInfinity];
        double[] expected = [0.00065, 0.001085, 0.00218075, 0.023846, 167.416307, double.PositiveInfinity];
        var accountant = new RdpAccountant(orders);
        accountant.Compose(0.01, 2.5, 50);
        for (int i = 0; i < orders.Length; i++)
        {
            if (double.IsPositiveInfinity(expected[i])) Assert.True(double.IsPositiveInfinity(accountant.Rdp[i]), $"order {orders[i]}");
            else Assert.True(Math.Abs(accountant.Rdp[i] - expected[i]) <= 1e-5, $"order {orders[i]}: {accountant.Rdp[i]} vs {expected[i]}");
        }
    }

    [Fact]
    public void Conversion_of_constant_rdp_picks_the_largest_order()
    {
        // TF-P test_get_privacy_spent_check_target_delta: RDP 1.1 at orders 2..32, δ = 1e-5 → ε = 1.32783806176 at order 32.
        double[] orders = Enumerable.Range(2, 31).Select(o => (double)o).ToArray();
        double[] rdp = orders.Select(_ => 1.1).ToArray();
        var spent = RdpAccountant.ToApproximateDp(orders, rdp, 1e-5);
        Assert.Equal(32, spent.Order);
        Assert.Equal(1.32783806176, spent.Epsilon, 9);
    }

    [Fact]
    public void Gaussian_mechanism_calibrated_for_epsilon_one_reads_back_as_one()
    {
        // TF-P test_get_privacy_spent_check_target_delta, second part: z = 4.530877117, q = 1, one step,
        // orders 1.000..99.999 in steps of 0.001, δ = 1e-6 → ε = 1 (7 places).
        var orders = new List<double>();
        for (int i = 1001; i < 100_000; i++) orders.Add(0.001 * i);
        double[] rdp = orders.Select(o => SubsampledGaussianRdp.Compute(1, 4.530877117, o)).ToArray();
        Assert.Equal(1, RdpAccountant.ToApproximateDp(orders, rdp, 1e-6).Epsilon, 7);
    }

    [Fact]
    public void Dp_sgd_setting_matches_opacus()
    {
        // Opacus test_rdp_accountant: z = 1.5, q = 0.04, steps = int(90 / 0.04) = 2250, δ = 1e-5 → ε = 7.32911117143,
        // with Opacus's default orders 1.1..10.9 (step 0.1) and 12..63.
        var orders = new List<double>();
        for (int x = 1; x < 100; x++) orders.Add(1 + x / 10.0);
        for (int x = 12; x < 64; x++) orders.Add(x);
        var accountant = new RdpAccountant(orders);
        accountant.Compose(0.04, 1.5, 2250);
        Assert.Equal(7.32911117143, accountant.GetPrivacySpent(1e-5).Epsilon, 6);
    }

    [Fact]
    public void Heterogeneous_composition_stays_under_the_published_bound()
    {
        // TF-P test_check_composition: 40000 steps at (q 1e-4, z 0.4) then 100 at (q 0.1, z 2); ε at δ = 1e-5 ≤ 8.509656.
        double[] orders = [1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 64, 256];
        var accountant = new RdpAccountant(orders);
        accountant.Compose(1e-4, 0.4, 40_000);
        accountant.Compose(0.1, 2, 100);
        double epsilon = accountant.GetPrivacySpent(1e-5).Epsilon;
        Assert.InRange(epsilon, 7.0, 8.509656);
        Assert.Equal(40_100, accountant.Steps);
    }

    [Fact]
    public void More_noise_or_fewer_rounds_spend_less()
    {
        double Epsilon(double z, int rounds)
        {
            var accountant = new RdpAccountant();
            accountant.Compose(0.1, z, rounds);
            return accountant.GetPrivacySpent(1e-5).Epsilon;
        }
        Assert.True(Epsilon(2, 10) < Epsilon(1, 10));
        Assert.True(Epsilon(1, 5) < Epsilon(1, 10));
        Assert.Equal(0, new RdpAccountant().GetPrivacySpent(1e-5).Epsilon);
    }

    [Fact]
    public void Bad_arguments_name_what_is_wrong()
    {
        Assert.Contains("orders", Assert.Throws<ArgumentOutOfRangeException>(() => new RdpAccountant([1.0])).Message, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<ArgumentOutOfRangeException>(() => SubsampledGaussianRdp.Compute(1.5, 1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RdpAccountant().GetPrivacySpent(0));
    }
}
