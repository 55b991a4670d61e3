namespace Telemetry.Agent.HostMetrics;

/// <summary>
/// Space of one mounted filesystem in bytes: <see cref="Used"/> + <see cref="Free"/> + <see cref="Reserved"/> =
/// <see cref="Total"/>. Free is what an unprivileged user can still write (df's "Avail"); Reserved is the
/// root-only reserve (Linux f_bfree - f_bavail, Windows space beyond the caller's quota).
/// </summary>
internal struct FilesystemUsage
{
    public string Device;
    public string MountPoint;
    public string Type;
    public long Total;
    public long Used;
    public long Free;
    public long Reserved;

    /// <summary>Used / Total, the semantic-convention definition (df's Use% is Used / (Used + Free)).</summary>
    public readonly double Utilization => Total > 0 ? (double)Used / Total : 0;
}
