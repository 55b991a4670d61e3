using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Telemetry.Collector.Configuration;

namespace Telemetry.Collector.Receiving;

/// <summary>
/// Checks <c>authorization: Bearer &lt;token&gt;</c> against the configured tokens. The presented token
/// is hashed (SHA-256) and compared with every configured hash in constant time, so neither the length
/// nor the content of a token leaks through timing. No configured token means authentication is off.
/// </summary>
public sealed class BearerTokenAuthenticator
{
    private readonly byte[][] _tokenHashes;

    public BearerTokenAuthenticator(IOptions<ReceiverOptions> options)
    {
        var tokens = new List<string>(options.Value.Auth.BearerTokens);
        if (!string.IsNullOrWhiteSpace(options.Value.Auth.BearerTokenFile))
        {
            foreach (var line in File.ReadAllLines(options.Value.Auth.BearerTokenFile))
            {
                var token = line.Trim();
                if (token.Length > 0 && !token.StartsWith('#'))
                {
                    tokens.Add(token);
                }
            }
        }

        _tokenHashes = new byte[tokens.Count][];
        for (var i = 0; i < tokens.Count; i++)
        {
            _tokenHashes[i] = SHA256.HashData(Encoding.UTF8.GetBytes(tokens[i]));
        }
    }

    /// <summary>False when no token is configured: every request is accepted.</summary>
    public bool Enabled => _tokenHashes.Length > 0;

    public int TokenCount => _tokenHashes.Length;

    /// <summary>True when authentication is off or <paramref name="authorization"/> carries an accepted token.</summary>
    public bool IsAuthorized(string? authorization)
    {
        if (_tokenHashes.Length == 0)
        {
            return true;
        }

        const string Scheme = "Bearer ";
        if (authorization is null || authorization.Length <= Scheme.Length
            || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = authorization.AsSpan(Scheme.Length).Trim();
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var maxBytes = Encoding.UTF8.GetMaxByteCount(presented.Length);
        var utf8 = maxBytes <= 512 ? stackalloc byte[512] : new byte[maxBytes];
        var length = Encoding.UTF8.GetBytes(presented, utf8);
        SHA256.HashData(utf8[..length], hash);

        var match = false;
        foreach (var expected in _tokenHashes)
        {
            match |= CryptographicOperations.FixedTimeEquals(hash, expected);
        }

        return match;
    }
}
