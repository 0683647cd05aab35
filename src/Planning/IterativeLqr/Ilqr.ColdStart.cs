// iLQR's cold plans: several initial guesses (ColdStarts) keeping the cheapest solution, and horizon continuation
// (ColdStages): solve a shorter horizon first, extend it by the LQR regulator around its end, solve again.
using Control.Core.Models;
using Control.Core.Numerics;

namespace Control.Planning.IterativeLqr;

public sealed partial class Ilqr
{
    // Cold: solves from each initial guess and keeps the cheapest solution with its diagnostics.
    private PlanResult BestOfColdStarts(ReadOnlySpan<double> x0)
    {
        nominal.Controls.CopyTo(guess, 0);
        int work = 0;
        PlanResult best = default;
        for (int start = 0; start < config.ColdStarts; start++)
        {
            ColdGuess(start);
            PlanResult result = ColdSolve(x0);
            work += result.Iterations;
            if (start == 0 || result.Cost < best.Cost)
            {
                best = result;
                bestPlan.CopyFrom(nominal);
                feedForward.CopyTo(bestFeedForward, 0);
                bestIterations.Clear();
                bestIterations.AddRange(iterations);
                bestRegularization = (regularization, regularizationStep);
            }
        }
        nominal.CopyFrom(bestPlan);
        bestFeedForward.CopyTo(feedForward, 0);
        iterations.Clear();
        iterations.AddRange(bestIterations);
        (regularization, regularizationStep) = bestRegularization;
        warmGains = true;
        return best with { Trajectory = nominal, Iterations = work };
    }

    // Initial controls of cold start `start`: the given ones, then constants alternating above and below the middle of the box.
    private void ColdGuess(int start)
    {
        warmGains = false;
        Array.Clear(nominal.Gains!);
        regularization = config.InitialRegularization;
        regularizationStep = 1.0;
        if (start == 0)
        {
            guess.CopyTo(nominal.Controls, 0);
            return;
        }
        double fraction = (start % 2 == 1 ? 1 : -1) * 0.5 / ((start + 1) / 2);
        for (int t = 0; t < config.Horizon; t++)
        {
            for (int i = 0; i < m; i++)
            {
                double low = double.IsFinite(lower[i]) ? lower[i] : -1, high = double.IsFinite(upper[i]) ? upper[i] : 1;
                nominal.Controls[t * m + i] = 0.5 * (low + high) + fraction * 0.5 * (high - low);
            }
        }
    }

    // A solve from the nominal controls without gains: over the whole horizon, or stage by stage (ColdStages), each
    // stage extended by the regulator around its end and solved again over the longer horizon.
    private PlanResult ColdSolve(ReadOnlySpan<double> x0)
    {
        iterations.Clear();
        int stages = config.ColdStages;
        int total = 0;
        PlanResult result = default;
        try
        {
            for (int stage = 1; stage <= stages; stage++)
            {
                int stageHorizon = (int)Math.Ceiling(config.Horizon / Math.Pow(2, stages - stage));
                if (stage > 1)
                {
                    if (stageHorizon == horizon) continue;
                    ExtendByRegulator(stageHorizon);
                    regularization = config.InitialRegularization;
                    regularizationStep = 1.0;
                }
                horizon = stageHorizon;
                result = Solve(x0, config.MaxIterations);
                total += result.Iterations;
            }
        }
        catch (PlanningException)
        {
            // A stage that cannot start (its rollout is not finite) leaves no usable plan: the next one starts cold.
            warmGains = false;
            horizon = config.Horizon;
            throw;
        }
        return result with { Iterations = total };
    }

    // Extends the plan of `horizon` steps to `extended` by the LQR regulator around its end: the dynamics linearized at
    // the last state and control (A, B), the stage cost's curvature there, and the Riccati recursion over the added
    // steps from the terminal cost's Hessian give gains K_t (zero where Q_uu is not positive definite). The added steps
    // get u_bar = the last control, x_bar = the last state and those gains, so the next solve's first rollout applies
    // u = u_last + K_t (x - x_last) there and repeats the solved steps exactly.
    private void ExtendByRegulator(int extended)
    {
        int last = horizon, nn = nt * nt, nm = nt * m;
        Member member = members[0];
        ReadOnlySpan<double> xEnd = nominal.State(last);
        ReadOnlySpan<double> uEnd = nominal.Control(last - 1);
        Span<double> a = fx.AsSpan(last * nn, nn), b = fu.AsSpan(last * nm, nm);
        Dynamics.Linearize(member.Workspace, xEnd, uEnd, member.State, a, b);
        CostDerivatives d = member.CostDerivatives;
        Cost.TerminalDerivatives(xEnd, d);
        d.Lxx.CopyTo(vxx, 0);
        Cost.StageDerivatives(xEnd, uEnd, d);
        for (int t = extended - 1; t >= last; t--)
        {
            CurvatureTerms(a, b, d.Lxx, d.Luu, d.Lux);
            Span<double> gain = nominal.Gain(t);
            if (Cholesky.Factor(quu, m, factor)) GainsFromFactor(gain);
            else gain.Clear();
            ValueHessian(gain);
        }
        for (int t = last + 1; t <= extended; t++) xEnd.CopyTo(nominal.State(t));
        for (int t = last; t < extended; t++) uEnd.CopyTo(nominal.Control(t));
        feedForward.AsSpan(last * m, (extended - last) * m).Clear();
    }
}
