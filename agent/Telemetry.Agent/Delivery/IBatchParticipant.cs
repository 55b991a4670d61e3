namespace Telemetry.Agent.Delivery;

/// <summary>A file that has lines in a batch: told when the batch is sealed and when it is acknowledged.</summary>
public interface IBatchParticipant
{
    /// <summary>The batch is sealed; the file records how far it will have been delivered once the batch is acknowledged.
    /// Called on the reading thread.</summary>
    void Sealed(long batch);

    /// <summary>The collector answered for the batch for good (stored, or refused for cause). Called on a delivery thread.</summary>
    void Acknowledged(long batch);
}
