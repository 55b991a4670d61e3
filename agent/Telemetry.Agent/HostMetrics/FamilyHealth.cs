using Microsoft.Extensions.Logging;

namespace Telemetry.Agent.HostMetrics;

/// <summary>Logs a family's failure once when it starts failing and once when it recovers, not every interval.</summary>
internal sealed class FamilyHealth(ILogger logger, string family, string source)
{
    private bool _failing;

    public void Succeeded()
    {
        if (_failing)
        {
            _failing = false;
            logger.FamilyRecovered(family);
        }
    }

    public void Failed(Exception? error)
    {
        if (!_failing)
        {
            _failing = true;
            logger.FamilyUnavailable(family, source, error);
        }
    }
}
