using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Receiving;

/// <summary>
/// Turns an OTLP/JSON request into the protobuf bytes the pipeline takes. OTLP/JSON is the proto3 JSON
/// mapping with one difference: <c>traceId</c>/<c>spanId</c> are hex, not base64. The transcoder first
/// rewrites those ids to base64 (a streaming token copy, nothing else changes), then lets
/// <see cref="JsonParser"/> do the rest, which accepts what the OTLP rules allow: lowerCamelCase or
/// original field names, enums as names or integers, 64-bit integers as strings or numbers (long integer
/// numbers are turned into strings first so no digit is lost); unknown
/// fields are ignored as the specification requires.
/// </summary>
public static class OtlpJsonTranscoder
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true).WithRecursionLimit(128));

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256, CommentHandling = JsonCommentHandling.Disallow };

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        MaxDepth = 256,
        SkipValidation = true,
    };

    /// <summary>Transcodes <paramref name="json"/>; on failure <c>Error</c> says why (the answer is INVALID_ARGUMENT / 400).</summary>
    public static (byte[]? Protobuf, string? Error) Transcode(OtlpSignal signal, ReadOnlySpan<byte> json)
    {
        using var rewritten = new LineBuffer(json.Length + 64);
        var idError = RewriteIds(json, rewritten);
        if (idError is not null)
        {
            return (null, idError);
        }

        try
        {
            var text = System.Text.Encoding.UTF8.GetString(rewritten.WrittenSpan);
            IMessage message = signal == OtlpSignal.Logs
                ? Parser.Parse<ExportLogsServiceRequest>(text)
                : Parser.Parse<ExportMetricsServiceRequest>(text);
            return (message.ToByteArray(), null);
        }
        catch (InvalidJsonException e)
        {
            return (null, "invalid OTLP/JSON: " + e.Message);
        }
        catch (InvalidProtocolBufferException e)
        {
            return (null, "invalid OTLP/JSON: " + e.Message);
        }
        catch (FormatException e)
        {
            return (null, "invalid OTLP/JSON: " + e.Message);
        }
    }

    /// <summary>Copies <paramref name="json"/> token by token, turning hex trace/span ids into base64.</summary>
    private static string? RewriteIds(ReadOnlySpan<byte> json, IBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        var idProperty = false;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        writer.WriteStartObject();
                        break;
                    case JsonTokenType.EndObject:
                        writer.WriteEndObject();
                        break;
                    case JsonTokenType.StartArray:
                        writer.WriteStartArray();
                        break;
                    case JsonTokenType.EndArray:
                        writer.WriteEndArray();
                        break;
                    case JsonTokenType.PropertyName:
                        idProperty = reader.ValueTextEquals("traceId"u8) || reader.ValueTextEquals("spanId"u8)
                            || reader.ValueTextEquals("trace_id"u8) || reader.ValueTextEquals("span_id"u8);
                        writer.WritePropertyName(Unescaped(ref reader));
                        continue;
                    case JsonTokenType.String:
                        if (idProperty)
                        {
                            var hex = reader.GetString()!;
                            if (hex.Length > 64 || (hex.Length & 1) == 1 || !TryHex(hex, out var bytes))
                            {
                                return $"invalid OTLP/JSON: trace/span id '{Truncate(hex)}' is not hex";
                            }

                            writer.WriteBase64StringValue(bytes);
                        }
                        else
                        {
                            writer.WriteStringValue(Unescaped(ref reader));
                        }

                        break;
                    case JsonTokenType.Number:
                        // JsonParser reads bare numbers through double, which loses the last digits of
                        // 64-bit values (1700000000000000001 -> ...000): timestamps of distinct records would
                        // collapse onto one point. Long integers go over as strings, which the proto3 JSON
                        // mapping accepts for every numeric field; short ones (enums, counts) stay numbers.
                        if (reader.ValueSpan.Length > 15 && reader.ValueSpan.IndexOfAny(".eE"u8) < 0)
                        {
                            writer.WriteStringValue(reader.ValueSpan);
                        }
                        else
                        {
                            writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                        }

                        break;
                    case JsonTokenType.True:
                        writer.WriteBooleanValue(true);
                        break;
                    case JsonTokenType.False:
                        writer.WriteBooleanValue(false);
                        break;
                    case JsonTokenType.Null:
                        writer.WriteNullValue();
                        break;
                }

                idProperty = false;
            }

            writer.Flush();
            return null;
        }
        catch (JsonException e)
        {
            return "invalid JSON: " + e.Message;
        }
        catch (InvalidOperationException e)
        {
            return "invalid JSON: " + e.Message;
        }
    }

    private static ReadOnlySpan<byte> Unescaped(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return reader.ValueSpan;
        }

        var buffer = new byte[reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length];
        var n = reader.CopyString(buffer);
        return buffer.AsSpan(0, n);
    }

    private static bool TryHex(string hex, out byte[] bytes)
    {
        bytes = new byte[hex.Length / 2];
        return Convert.FromHexString(hex, bytes, out _, out _) == OperationStatus.Done;
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "...";
}
