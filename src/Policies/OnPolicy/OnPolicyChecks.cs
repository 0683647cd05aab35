using Control.Core.Envs;
using Control.Policies.Common;

namespace Control.Policies.OnPolicy;

/// <summary>Checks shared by the on-policy configs.</summary>
internal static class OnPolicyChecks
{
    /// <summary>The env's actions must be Discrete or Box; Gaussian options only make sense on a Box.</summary>
    public static void ActionSpace(string owner, Space actions, LogStdMode logStd, double initialLogStd)
    {
        switch (actions)
        {
            case Discrete d when logStd != LogStdMode.StateIndependent || initialLogStd != 0:
                throw new ArgumentException(
                    $"{owner}.{(logStd != LogStdMode.StateIndependent ? "LogStd" : "InitialLogStd")}: a Gaussian (Box) policy option, but the env's actions are {d.Describe()}; expected the defaults for a categorical policy.");
            case Discrete or Box:
                break;
            default:
                throw new ArgumentException($"{owner}: expected an env with Discrete or Box actions, got {actions.Describe()}.");
        }
    }
}
