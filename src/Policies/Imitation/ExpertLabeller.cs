// Where imitation learning's data come from: episodes on an env in which, at every step, the expert labels the state
// the env is in (its action is recorded beside the observation), and either the expert's action or the learner's is
// executed, the expert's with probability beta (DAgger's mixture policy pi_i = beta_i pi* + (1 - beta_i) pi_hat_i;
// beta = 1 is the expert alone, behaviour cloning's data). The expert reads the observation, or the env's full state
// (an MPC controller): it is asked before the env steps, so the state it reads is the one the observation shows.
// Episodes run through the one episode loop (EpisodeRunner).
// An expert that gives the local feedback of its action (IFeedbackPolicy: iLQR-MPC's gain K) can also label nearby
// states without being asked again: for each labelled state x, FeedbackSamples states x + dx, dx ~ N(0, diag sigma^2)
// in the state's tangent, labelled u + K dx clipped to the action bounds: the first-order data augmentation by the
// optimizer's parametric sensitivities of Krishnamoorthy, "A Sensitivity-Based Data Augmentation Framework for Model
// Predictive Control Policy Approximation" (IEEE TAC 2022), K being iLQR's sensitivity of the first control to the
// start state. They go to Feedback, apart from the expert's own labels.
// On an env whose task is mirror-symmetric (IMirrorSymmetricEnv), each label (o, u) also gives (g o, g u), what the
// expert's mirror image would answer at the mirrored state; they go to Mirrored.
using System.Diagnostics;
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Core.Episodes;
using Control.Policies.Common;

namespace Control.Policies.Imitation;

/// <summary>Runs episodes in which an expert labels every visited state, appending the labels to <see cref="Data"/>.</summary>
public sealed class ExpertLabeller
{
    private readonly IPolicy expert;
    private readonly IStatefulEnv? stateful;
    private readonly EpisodeRunner runner;
    private readonly double[] state;
    private readonly double[] label;
    private IPolicy? learner;
    private double beta;
    private Rng coin = new(0);
    private double noise;
    private int expertActions;
    private IFeedbackPolicy? feedbackExpert;
    private int feedbackSamples;
    private double[] feedbackNoise = [], gain = [], dx = [], nearby = [], nearbyObservation = [], nearbyLabel = [];
    private Rng feedbackRng = new(0);
    private readonly List<int> feedbackSources = [];
    private IMirrorSymmetricEnv? mirror;
    private double[] mirroredObservation = [], mirroredLabel = [];
    private readonly List<int> mirroredSources = [];

    /// <summary>
    /// Labels states of <paramref name="env"/> with <paramref name="expert"/>, which reads what <paramref name="expertInput"/>
    /// says (the observation, or the env's state).
    /// </summary>
    /// <exception cref="ExpertMismatchException">
    /// The expert reads or writes other lengths than the env gives and takes, or (an <see cref="InferencePolicy"/>) acts in
    /// another action space than the env's.
    /// </exception>
    /// <exception cref="ArgumentException">A state-reading expert on an env that does not expose its state.</exception>
    public ExpertLabeller(IEnv env, IPolicy expert, PolicyInput expertInput)
    {
        ArgumentNullException.ThrowIfNull(env);
        this.expert = expert ?? throw new ArgumentNullException(nameof(expert));
        ExpertInput = expertInput;
        stateful = env.Find<IStatefulEnv>();
        if (expertInput == PolicyInput.State && stateful is null)
            throw new ArgumentException($"expert on {env.Name}: a state-reading expert (an MPC controller) needs an env that exposes its state (IStatefulEnv); this one does not.");
        int inputSize = expertInput == PolicyInput.State ? stateful!.StateSize : env.ObservationSpace.FlatSize;
        int actionSize = env.ActionSpace.FlatSize;
        if (expert.ObservationSize != inputSize || expert.ActionSize != actionSize)
        {
            throw new ExpertMismatchException(env.Name,
                $"a policy from {expertInput.ToString().ToLowerInvariant()}s of {inputSize} values to actions of {actionSize} ({env.ActionSpace.Describe()})",
                $"one from {expert.ObservationSize} values to {expert.ActionSize}");
        }
        if (expert is InferencePolicy trained && !trained.ActionSpace.Equals(env.ActionSpace))
            throw new ExpertMismatchException(env.Name, $"a policy acting in {env.ActionSpace.Describe()}", $"one acting in {trained.ActionSpace.Describe()}");
        Env = env;
        runner = new EpisodeRunner(env);
        state = new double[stateful?.StateSize ?? 0];
        label = new double[actionSize];
        Data = new ImitationDataset(env.ObservationSpace.FlatSize, actionSize);
        Feedback = new ImitationDataset(env.ObservationSpace.FlatSize, actionSize);
        Mirrored = new ImitationDataset(env.ObservationSpace.FlatSize, actionSize);
    }

    /// <summary>The env the episodes run on.</summary>
    public IEnv Env { get; }

    /// <summary>What the expert reads.</summary>
    public PolicyInput ExpertInput { get; }

    /// <summary>Every (observation, expert action) row labelled so far, in the order visited.</summary>
    public ImitationDataset Data { get; }

    /// <summary>Wall-clock time the expert spent labelling, in total.</summary>
    public TimeSpan ExpertTime { get; private set; }

    /// <summary>The rows labelled by the expert's feedback (<see cref="LabelNearby"/>), in the order made; empty without it.</summary>
    public ImitationDataset Feedback { get; }

    /// <summary>For each row of <see cref="Feedback"/>, the row of <see cref="Data"/> it was made around.</summary>
    public IReadOnlyList<int> FeedbackSources => feedbackSources;

    /// <summary>
    /// The mirror image of each row of <see cref="Data"/> labelled since <see cref="LabelMirrored"/> (row k of this the
    /// image of row k of Data when it was on from the start); empty without it.
    /// </summary>
    public ImitationDataset Mirrored { get; }

    /// <summary>For each row of <see cref="Mirrored"/>, the row of <see cref="Data"/> it is the image of.</summary>
    public IReadOnlyList<int> MirroredSources => mirroredSources;

    /// <summary>
    /// From now on, with each expert label (o, u) also records its mirror image (g o, g u) under the env's reflection
    /// symmetry in <see cref="Mirrored"/>: a label of the expert's mirror image, made without asking the expert.
    /// </summary>
    /// <exception cref="ArgumentException">The env declares no mirror symmetry (<see cref="IMirrorSymmetricEnv"/>).</exception>
    public void LabelMirrored()
    {
        mirror = Env.Find<IMirrorSymmetricEnv>()
            ?? throw new ArgumentException($"{Env.Name}: mirrored labels need an env with a declared reflection symmetry (IMirrorSymmetricEnv); this one declares none.");
        (mirroredObservation, mirroredLabel) = (new double[Env.ObservationSpace.FlatSize], new double[label.Length]);
    }

    /// <summary>
    /// From now on, after each label u the expert gives at a state x, adds <paramref name="samples"/> rows to
    /// <see cref="Feedback"/>: the observation of x + dx, dx ~ N(0, diag <paramref name="sigma"/>^2) in the state's tangent
    /// (a draw from <paramref name="rng"/>), labelled u + K dx clipped to the action bounds, K the expert's gain of that
    /// label; a label without a gain adds none. 0 samples turns it off.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The expert does not read the state or gives no gains (not an <see cref="IFeedbackPolicy"/>), the actions are not a
    /// Box, or <paramref name="sigma"/> is not one finite value >= 0 per tangent coordinate of the state.
    /// </exception>
    public void LabelNearby(int samples, IReadOnlyList<double> sigma, Rng rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(samples);
        ArgumentNullException.ThrowIfNull(sigma);
        ArgumentNullException.ThrowIfNull(rng);
        if (samples == 0)
        {
            feedbackSamples = 0;
            return;
        }
        if (ExpertInput != PolicyInput.State || expert is not IFeedbackPolicy feedback)
            throw new ArgumentException($"{Env.Name}: feedback labels need an expert that reads the state and gives the gain of its action (an iLQR-MPC controller), got {expert.GetType().Name} reading {ExpertInput.ToString().ToLowerInvariant()}s.");
        if (Env.ActionSpace is not Box) throw new ArgumentException($"{Env.Name}: feedback labels need a Box action space, got {Env.ActionSpace.Describe()}.");
        IStateSpace space = feedback.StateSpace;
        int nt = space.TangentSize;
        if (sigma.Count != nt || sigma.Any(v => !(v >= 0 && double.IsFinite(v))))
            throw new ArgumentException($"{Env.Name}: expected a feedback noise of {nt} finite values >= 0 (one per tangent coordinate of the state), got [{string.Join(", ", sigma)}].");
        (feedbackExpert, feedbackSamples, feedbackNoise, feedbackRng) = (feedback, samples, [.. sigma], rng);
        (gain, dx, nearby) = (new double[label.Length * nt], new double[nt], new double[state.Length]);
        (nearbyObservation, nearbyLabel) = (new double[Env.ObservationSpace.FlatSize], new double[label.Length]);
    }

    /// <summary>
    /// Resets the env with <paramref name="seed"/> and runs one episode of at most <paramref name="maxSteps"/> steps,
    /// labelling every state visited. At each step the expert's action is executed with probability
    /// <paramref name="beta"/> (a draw from <paramref name="rng"/>), else <paramref name="policy"/>'s (null: the expert's
    /// always). The policy reads the observation. With <paramref name="expertNoise"/> > 0 (a Box action space) the
    /// expert's executed action is perturbed by Gaussian noise of that standard deviation in units of each action's
    /// half-range, then clipped to the bounds; its label stays the clean action (DART, Laskey et al. 2017, "DART: Noise
    /// Injection for Robust Imitation Learning": the expert shows how it recovers from the errors a learner will make).
    /// </summary>
    /// <returns>The episode and the number of steps on which the expert's action was executed.</returns>
    /// <exception cref="ArgumentException"><paramref name="policy"/> does not read the env's observations or write its actions.</exception>
    public (EpisodeResult Episode, int ExpertActions) RunEpisode(IPolicy? policy, double beta, Rng rng, long seed, int maxSteps = int.MaxValue, double expertNoise = 0)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(beta >= 0 && beta <= 1)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "expected a mixing coefficient in [0, 1]");
        if (!(expertNoise >= 0 && double.IsFinite(expertNoise))) throw new ArgumentOutOfRangeException(nameof(expertNoise), expertNoise, "expected a finite noise scale >= 0");
        if (expertNoise > 0 && (Env.ActionSpace is not Box box || !box.IsBounded))
            throw new ArgumentException($"{Env.Name}: expert noise is scaled by each action's half-range and needs a Box action space with finite bounds, got {Env.ActionSpace.Describe()}", nameof(expertNoise));
        if (policy is not null) runner.CheckPolicy(policy);
        (learner, this.beta, coin, noise, expertActions) = (policy, beta, rng, expertNoise, 0);
        EpisodeResult episode = runner.Run(new Mixture(this), seed, maxSteps);
        return (episode, expertActions);
    }

    // One step: the expert labels the current state, then the expert's action or the learner's is executed.
    private void Act(ReadOnlySpan<double> observation, Span<double> action)
    {
        ReadOnlySpan<double> input = observation;
        if (ExpertInput == PolicyInput.State)
        {
            stateful!.GetState(state);
            input = state;
        }
        long start = Stopwatch.GetTimestamp();
        expert.Act(input, label);
        ExpertTime += Stopwatch.GetElapsedTime(start);
        Data.Add(observation, label);
        if (mirror is not null)
        {
            mirror.MirrorObservation(observation, mirroredObservation);
            mirror.MirrorAction(label, mirroredLabel);
            Mirrored.Add(mirroredObservation, mirroredLabel);
            mirroredSources.Add(Data.Count - 1);
        }
        if (feedbackSamples > 0) AddNearby();
        bool expertActs = coin.NextDouble() < beta || learner is null;
        if (expertActs)
        {
            label.CopyTo(action);
            if (noise > 0) Perturb(action);
            expertActions++;
        }
        else
        {
            learner!.Act(observation, action);
        }
    }

    // The feedback rows around the state just labelled: x + dx observed, labelled u + K dx clipped.
    private void AddNearby()
    {
        if (!feedbackExpert!.LastGain(gain)) return;
        var box = (Box)Env.ActionSpace;
        int nt = dx.Length;
        for (int k = 0; k < feedbackSamples; k++)
        {
            for (int j = 0; j < nt; j++) dx[j] = feedbackNoise[j] * feedbackRng.Normal();
            feedbackExpert.StateSpace.Integrate(state, dx, nearby);
            stateful!.Observe(nearby, nearbyObservation);
            for (int i = 0; i < nearbyLabel.Length; i++)
            {
                double u = label[i];
                for (int j = 0; j < nt; j++) u += gain[i * nt + j] * dx[j];
                nearbyLabel[i] = u;
            }
            box.Clip(nearbyLabel);
            Feedback.Add(nearbyObservation, nearbyLabel);
            feedbackSources.Add(Data.Count - 1);
        }
    }

    // DART's perturbation of the executed expert action: N(0, noise^2) per value in units of its half-range, clipped.
    private void Perturb(Span<double> action)
    {
        var box = (Box)Env.ActionSpace;
        for (int i = 0; i < action.Length; i++) action[i] += noise * 0.5 * (box.High[i] - box.Low[i]) * coin.Normal();
        box.Clip(action);
    }

    // The mixture as the policy the episode runner steps with.
    private sealed class Mixture(ExpertLabeller owner) : IPolicy
    {
        public int ObservationSize => owner.Env.ObservationSpace.FlatSize;

        public int ActionSize => owner.label.Length;

        public void Act(ReadOnlySpan<double> observation, Span<double> action) => owner.Act(observation, action);

        public void Reset()
        {
            owner.expert.Reset();
            owner.learner?.Reset();
        }
    }
}
