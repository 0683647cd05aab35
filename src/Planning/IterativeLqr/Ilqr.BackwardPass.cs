// iLQR's backward pass: the Q terms of the local model, the feed-forward k_t and gains K_t (a box QP under control
// limits, a Cholesky solve otherwise), the value function's update, and the Levenberg-Marquardt schedule of mu.
using Control.Core.Numerics;

namespace Control.Planning.IterativeLqr;

public sealed partial class Ilqr
{
    // The LQR recursion on the local model (Tassa et al. 2012, eqs. 5-11), with mu I added to Q_uu for the step and
    // gains; the value update uses the unregularized Q terms. A step whose Q_uu + mu I is not positive definite is
    // held. False when the values stop being finite, or when every step is held (nothing to move: raise mu).
    private bool BackwardPass()
    {
        int nn = nt * nt, nm = nt * m, mm = m * m;
        double mu = regularization;
        lx.AsSpan(horizon * nt, nt).CopyTo(vx);
        lxx.AsSpan(horizon * nn, nn).CopyTo(vxx);
        expectedLinear = 0;
        expectedQuadratic = 0;
        heldSteps = 0;

        for (int t = horizon - 1; t >= 0; t--)
        {
            ReadOnlySpan<double> a = fx.AsSpan(t * nn, nn);
            ReadOnlySpan<double> b = fu.AsSpan(t * nm, nm);

            // Qx = lx + Fx' Vx, Qu = lu + Fu' Vx.
            for (int j = 0; j < nt; j++)
            {
                double s = lx[t * nt + j];
                for (int p = 0; p < nt; p++) s += a[p * nt + j] * vx[p];
                qx[j] = s;
            }
            for (int j = 0; j < m; j++)
            {
                double s = lu[t * m + j];
                for (int p = 0; p < nt; p++) s += b[p * m + j] * vx[p];
                qu[j] = s;
            }
            CurvatureTerms(a, b, lxx.AsSpan(t * nn, nn), luu.AsSpan(t * mm, mm), lux.AsSpan(t * m * nt, m * nt));

            // DDP: the dynamics' curvature weighted by the value gradient.
            if (secondOrder is not null)
            {
                Array.Clear(hxx);
                Array.Clear(huu);
                Array.Clear(hux);
                secondOrder.AddWeightedHessians(members[0].Workspace, nominal.State(t), nominal.Control(t), vx, hxx, huu, hux);
                for (int i = 0; i < nn; i++) qxx[i] += hxx[i];
                for (int i = 0; i < mm; i++) quu[i] += huu[i];
                for (int i = 0; i < m * nt; i++) qux[i] += hux[i];
            }
            for (int i = 0; i < mm; i++) quuReg[i] = quu[i];
            for (int i = 0; i < m; i++) quuReg[i * m + i] += mu;

            // Feed-forward k and gains K: a box QP when the controls are limited, a Cholesky solve otherwise.
            Span<double> k = feedForward.AsSpan(t * m, m);
            Span<double> gain = nominal.Gain(t);
            switch (SolveControl(t, k, gain))
            {
                case StepSolution.NotFinite:
                    return false;
                case StepSolution.Held:
                    k.Clear();
                    gain.Clear();
                    heldSteps++;
                    break;
            }

            // Expected decrease and the value function at t.
            for (int i = 0; i < m; i++)
            {
                expectedLinear += k[i] * qu[i];
                double s = 0;
                for (int j = 0; j < m; j++) s += quu[i * m + j] * k[j];
                expectedQuadratic += 0.5 * k[i] * s;
                kScratch[i] = s;
            }
            // Vx = Qx + K' Quu k + K' Qu + Qux' k.
            for (int j = 0; j < nt; j++)
            {
                double s = qx[j];
                for (int i = 0; i < m; i++) s += gain[i * nt + j] * (kScratch[i] + qu[i]) + qux[i * nt + j] * k[i];
                vx[j] = s;
            }
            ValueHessian(gain);
            for (int i = 0; i < nt; i++)
            {
                if (!double.IsFinite(vx[i]) || !double.IsFinite(vxx[i * nt + i])) return false;
            }
        }
        return heldSteps < horizon;
    }

    // Qxx = lxx + Fx' Vxx Fx, Quu = luu + Fu' Vxx Fu and Qux = lux + Fu' Vxx Fx from the value Hessian Vxx of the next step.
    private void CurvatureTerms(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> stageLxx,
        ReadOnlySpan<double> stageLuu, ReadOnlySpan<double> stageLux)
    {
        // Vxx Fx (nt x nt) and Vxx Fu (nt x m).
        for (int i = 0; i < nt; i++)
        {
            for (int j = 0; j < nt; j++)
            {
                double s = 0;
                for (int p = 0; p < nt; p++) s += vxx[i * nt + p] * a[p * nt + j];
                vxxFx[i * nt + j] = s;
            }
            for (int j = 0; j < m; j++)
            {
                double s = 0;
                for (int p = 0; p < nt; p++) s += vxx[i * nt + p] * b[p * m + j];
                vxxFu[i * m + j] = s;
            }
        }

        for (int i = 0; i < nt; i++)
        {
            for (int j = 0; j < nt; j++)
            {
                double s = stageLxx[i * nt + j];
                for (int p = 0; p < nt; p++) s += a[p * nt + i] * vxxFx[p * nt + j];
                qxx[i * nt + j] = s;
            }
        }
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < m; j++)
            {
                double s = stageLuu[i * m + j];
                for (int p = 0; p < nt; p++) s += b[p * m + i] * vxxFu[p * m + j];
                quu[i * m + j] = s;
            }
            for (int j = 0; j < nt; j++)
            {
                double s = stageLux[i * nt + j];
                for (int p = 0; p < nt; p++) s += b[p * m + i] * vxxFx[p * nt + j];
                qux[i * nt + j] = s;
            }
        }
    }

    // Vxx = Qxx + K' Quu K + K' Qux + Qux' K: the lower triangle, mirrored (keeps it exactly symmetric).
    private void ValueHessian(ReadOnlySpan<double> gain)
    {
        for (int i = 0; i < nt; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = qxx[i * nt + j];
                for (int p = 0; p < m; p++)
                {
                    double quuKj = 0;
                    for (int q = 0; q < m; q++) quuKj += quu[p * m + q] * gain[q * nt + j];
                    s += gain[p * nt + i] * (quuKj + qux[p * nt + j]) + qux[p * nt + i] * gain[p * nt + j];
                }
                vxx[i * nt + j] = s;
                if (i != j) vxx[j * nt + i] = s;
            }
        }
    }

    private enum StepSolution { Solved, Held, NotFinite }

    // k_t and K_t from the regularized local model at t; Held when Q_uu + mu I is not positive definite there.
    private StepSolution SolveControl(int t, Span<double> k, Span<double> gain)
    {
        for (int i = 0; i < m; i++)
        {
            if (!double.IsFinite(qu[i])) return StepSolution.NotFinite;
        }
        for (int i = 0; i < m * m; i++)
        {
            if (!double.IsFinite(quuReg[i])) return StepSolution.NotFinite;
        }
        if (m == 1)
        {
            // One control: the box QP is a clamp of the Newton step; a clamped control gets no feedback.
            double curvature = quuReg[0];
            if (!(curvature > 0)) return StepSolution.Held;
            double step = -qu[0] / curvature;
            bool clamped = false;
            if (config.ControlLimits)
            {
                double u = nominal.Controls[t];
                double clippedStep = Math.Clamp(step, lower[0] - u, upper[0] - u);
                clamped = clippedStep != step;
                step = clippedStep;
            }
            k[0] = step;
            for (int j = 0; j < nt; j++) gain[j] = clamped ? 0 : -qux[j] / curvature;
            return StepSolution.Solved;
        }

        if (config.ControlLimits)
        {
            ReadOnlySpan<double> u = nominal.Control(t);
            for (int i = 0; i < m; i++)
            {
                boxLower[i] = lower[i] - u[i];
                boxUpper[i] = upper[i] - u[i];
            }
            BoxQpStatus status = boxQp.Solve(quuReg, qu, boxLower, boxUpper, k);
            if (status == BoxQpStatus.HessianNotPositiveDefinite) return StepSolution.Held;
            gain.Clear();
            if (status == BoxQpStatus.AllClamped) return StepSolution.Solved;
            // Free rows: K_f = -Quu_ff^-1 Qux_f (through the factor the QP left); clamped rows stay zero.
            int free = boxQp.FreeCount;
            Span<double> rows = freeRows.AsSpan(0, free * nt);
            for (int i = 0, a = 0; i < m; i++)
            {
                if (boxQp.Free[i]) qux.AsSpan(i * nt, nt).CopyTo(rows.Slice(a++ * nt, nt));
            }
            Cholesky.SolveNegated(boxQp.FreeCholesky.AsSpan(0, free * free), free, rows, rows, nt);
            for (int i = 0, a = 0; i < m; i++)
            {
                if (boxQp.Free[i]) rows.Slice(a++ * nt, nt).CopyTo(gain.Slice(i * nt, nt));
            }
            return StepSolution.Solved;
        }

        if (!Cholesky.Factor(quuReg, m, factor)) return StepSolution.Held;
        Cholesky.SolveNegated(factor, m, qu, k);
        GainsFromFactor(gain);
        return StepSolution.Solved;
    }

    // K = -Q_uu^-1 Q_ux, column by column, through the Cholesky factor of Q_uu (regularized or not) in `factor`.
    private void GainsFromFactor(Span<double> gain) => Cholesky.SolveNegated(factor, m, qux, gain, nt);

    // Tassa et al. 2012, Sec. II-F: mu grows and shrinks geometrically with an accelerating factor.
    private bool IncreaseRegularization()
    {
        double factor0 = config.RegularizationFactor;
        regularizationStep = Math.Max(factor0, regularizationStep * factor0);
        regularization = Math.Max(config.MinRegularization, regularization * regularizationStep);
        return regularization <= config.MaxRegularization;
    }

    private void DecreaseRegularization()
    {
        double factor0 = config.RegularizationFactor;
        regularizationStep = Math.Min(regularizationStep / factor0, 1 / factor0);
        regularization *= regularizationStep;
        if (regularization < config.MinRegularization) regularization = 0;
    }
}
