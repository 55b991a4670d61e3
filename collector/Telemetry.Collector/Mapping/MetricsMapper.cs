using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;
using Telemetry.Collector.Configuration;
using Telemetry.Collector.Enrichment;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Mapping;

/// <summary>
/// Maps an OTLP <c>ExportMetricsServiceRequest</c> to one measurement per metric name
/// (docs/influxdb-schema.md, "Metrics"). Metrics are low volume (one point per series per interval), so
/// this uses the generated message classes. Tags: <c>host</c>, <c>service</c>, every data-point attribute,
/// static tags. Gauge and sum: <c>value</c> (float). Histogram and exponential histogram: <c>count</c>,
/// <c>sum</c>, <c>min</c>, <c>max</c>, <c>p50</c>, <c>p90</c>, <c>p99</c>. Summary: <c>count</c>, <c>sum</c>,
/// <c>p50</c>/<c>p90</c>/<c>p99</c> when sent. Data points flagged "no recorded value" are skipped.
/// </summary>
internal sealed class MetricsMapper
{
    private readonly int _maxPoints;
    private readonly int _maxString;
    private readonly StaticTags _staticTags;

    public MetricsMapper(LimitsOptions limits, StaticTags staticTags)
    {
        _maxPoints = limits.MaxRecordsPerRequest;
        _maxString = limits.MaxStringLength;
        _staticTags = staticTags;
    }

    public MappingResult Map(ReadOnlySpan<byte> bytes, MappingSession session, long receiveUnixNanos)
    {
        session.Reset();
        ExportMetricsServiceRequest request;
        try
        {
            request = ExportMetricsServiceRequest.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            return MappingResult.Failed(0, "ExportMetricsServiceRequest: " + e.Message);
        }

        var total = 0L;
        foreach (var rm in request.ResourceMetrics)
        {
            foreach (var sm in rm.ScopeMetrics)
            {
                foreach (var metric in sm.Metrics)
                {
                    total += metric.DataCase switch
                    {
                        Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Count,
                        Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Count,
                        Metric.DataOneofCase.Histogram => metric.Histogram.DataPoints.Count,
                        Metric.DataOneofCase.ExponentialHistogram => metric.ExponentialHistogram.DataPoints.Count,
                        Metric.DataOneofCase.Summary => metric.Summary.DataPoints.Count,
                        _ => 0,
                    };
                }
            }
        }

        if (total > _maxPoints)
        {
            return MappingResult.Failed((int)Math.Min(total, int.MaxValue), string.Create(
                CultureInfo.InvariantCulture,
                $"the request holds {total} metric data points, more than limits.max_records_per_request ({_maxPoints}); split it into smaller batches"));
        }

        session.Received = (int)total;
        foreach (var rm in request.ResourceMetrics)
        {
            var host = ResourceString(rm.Resource?.Attributes, "host.name");
            var service = ResourceString(rm.Resource?.Attributes, "service.name");
            foreach (var sm in rm.ScopeMetrics)
            {
                foreach (var metric in sm.Metrics)
                {
                    MapMetric(metric, host, service, session, receiveUnixNanos);
                }
            }
        }

        return session.Result();
    }

    private void MapMetric(Metric metric, string? host, string? service, MappingSession session, long now)
    {
        if (string.IsNullOrEmpty(metric.Name))
        {
            var points = metric.DataCase switch
            {
                Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Count,
                Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Count,
                Metric.DataOneofCase.Histogram => metric.Histogram.DataPoints.Count,
                Metric.DataOneofCase.ExponentialHistogram => metric.ExponentialHistogram.DataPoints.Count,
                Metric.DataOneofCase.Summary => metric.Summary.DataPoints.Count,
                _ => 0,
            };
            for (var i = 0; i < points; i++)
            {
                session.Reject("a metric has no name");
            }

            return;
        }

        var encoder = session.Encoder;
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                MapNumbers(metric.Name, metric.Gauge.DataPoints, host, service, session, now);
                break;
            case Metric.DataOneofCase.Sum:
                MapNumbers(metric.Name, metric.Sum.DataPoints, host, service, session, now);
                break;
            case Metric.DataOneofCase.Histogram:
                foreach (var p in metric.Histogram.DataPoints)
                {
                    if (NoValue(p.Flags))
                    {
                        continue;
                    }

                    Begin(metric.Name, p.Attributes, host, service, session);
                    encoder.Field("count"u8, Clamp(p.Count));
                    WriteOptional(encoder, "sum"u8, p.HasSum, p.Sum);
                    WriteOptional(encoder, "min"u8, p.HasMin, p.Min);
                    WriteOptional(encoder, "max"u8, p.HasMax, p.Max);
                    double? min = p.HasMin ? p.Min : null;
                    double? max = p.HasMax ? p.Max : null;
                    var bounds = ToArray(p.ExplicitBounds);
                    var counts = ToArray(p.BucketCounts);
                    encoder.Field("p50"u8, HistogramPercentiles.Explicit(bounds, counts, min, max, 0.5));
                    encoder.Field("p90"u8, HistogramPercentiles.Explicit(bounds, counts, min, max, 0.9));
                    encoder.Field("p99"u8, HistogramPercentiles.Explicit(bounds, counts, min, max, 0.99));
                    End(session, p.TimeUnixNano, now, metric.Name);
                }

                break;
            case Metric.DataOneofCase.ExponentialHistogram:
                foreach (var p in metric.ExponentialHistogram.DataPoints)
                {
                    if (NoValue(p.Flags))
                    {
                        continue;
                    }

                    Begin(metric.Name, p.Attributes, host, service, session);
                    encoder.Field("count"u8, Clamp(p.Count));
                    WriteOptional(encoder, "sum"u8, p.HasSum, p.Sum);
                    WriteOptional(encoder, "min"u8, p.HasMin, p.Min);
                    WriteOptional(encoder, "max"u8, p.HasMax, p.Max);
                    double? min = p.HasMin ? p.Min : null;
                    double? max = p.HasMax ? p.Max : null;
                    var positive = p.Positive is null ? [] : ToArray(p.Positive.BucketCounts);
                    var negative = p.Negative is null ? [] : ToArray(p.Negative.BucketCounts);
                    var pOffset = p.Positive?.Offset ?? 0;
                    var nOffset = p.Negative?.Offset ?? 0;
                    encoder.Field("p50"u8, HistogramPercentiles.Exponential(p.Scale, p.ZeroThreshold, p.ZeroCount, pOffset, positive, nOffset, negative, min, max, 0.5));
                    encoder.Field("p90"u8, HistogramPercentiles.Exponential(p.Scale, p.ZeroThreshold, p.ZeroCount, pOffset, positive, nOffset, negative, min, max, 0.9));
                    encoder.Field("p99"u8, HistogramPercentiles.Exponential(p.Scale, p.ZeroThreshold, p.ZeroCount, pOffset, positive, nOffset, negative, min, max, 0.99));
                    End(session, p.TimeUnixNano, now, metric.Name);
                }

                break;
            case Metric.DataOneofCase.Summary:
                foreach (var p in metric.Summary.DataPoints)
                {
                    if (NoValue(p.Flags))
                    {
                        continue;
                    }

                    Begin(metric.Name, p.Attributes, host, service, session);
                    encoder.Field("count"u8, Clamp(p.Count));
                    encoder.Field("sum"u8, p.Sum);
                    foreach (var qv in p.QuantileValues)
                    {
                        var key = Math.Abs(qv.Quantile - 0.5) < 1e-9 ? "p50"u8
                            : Math.Abs(qv.Quantile - 0.9) < 1e-9 ? "p90"u8
                            : Math.Abs(qv.Quantile - 0.99) < 1e-9 ? "p99"u8
                            : default;
                        if (!key.IsEmpty)
                        {
                            encoder.Field(key, qv.Value);
                        }
                    }

                    End(session, p.TimeUnixNano, now, metric.Name);
                }

                break;
            default:
                break;
        }
    }

    private void MapNumbers(string name, RepeatedField<NumberDataPoint> points, string? host, string? service, MappingSession session, long now)
    {
        foreach (var p in points)
        {
            if (NoValue(p.Flags) || p.ValueCase == NumberDataPoint.ValueOneofCase.None)
            {
                continue;
            }

            Begin(name, p.Attributes, host, service, session);
            session.Encoder.Field("value"u8, p.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? p.AsInt : p.AsDouble);
            End(session, p.TimeUnixNano, now, name);
        }
    }

    private void Begin(string name, RepeatedField<KeyValue> attributes, string? host, string? service, MappingSession session)
    {
        var encoder = session.Encoder;
        encoder.Begin(Truncate(name));
        if (!string.IsNullOrEmpty(host))
        {
            encoder.Tag("host", Truncate(host));
        }

        if (!string.IsNullOrEmpty(service))
        {
            encoder.Tag("service", Truncate(service));
        }

        for (var i = 0; i < attributes.Count; i++)
        {
            var key = attributes[i].Key;
            if (string.IsNullOrEmpty(key) || key is "host" or "service" || IsEarlier(attributes, i) || _staticTags.Contains(Encoding.UTF8.GetBytes(key)))
            {
                continue;
            }

            var value = AsText(attributes[i].Value);
            if (value is not null)
            {
                encoder.Tag(key, Truncate(value));
            }
        }

        _staticTags.WriteTo(encoder);
    }

    private static bool IsEarlier(RepeatedField<KeyValue> attributes, int index)
    {
        for (var j = 0; j < index; j++)
        {
            if (attributes[j].Key == attributes[index].Key)
            {
                return true;
            }
        }

        return false;
    }

    private static void End(MappingSession session, ulong time, long now, string name)
    {
        var at = time is > 0 and <= long.MaxValue ? (long)time : now;
        if (session.Encoder.End(at))
        {
            session.Points++;
        }
        else
        {
            session.Reject("a data point of metric '" + name + "' has no finite value");
        }
    }

    private static bool NoValue(uint flags) => (flags & (uint)DataPointFlags.NoRecordedValueMask) != 0;

    private static long Clamp(ulong count) => count > long.MaxValue ? long.MaxValue : (long)count;

    private static void WriteOptional(PointEncoder encoder, ReadOnlySpan<byte> key, bool has, double value)
    {
        if (has)
        {
            encoder.Field(key, value);
        }
    }

    private static T[] ToArray<T>(RepeatedField<T> field)
    {
        var array = new T[field.Count];
        field.CopyTo(array, 0);
        return array;
    }

    private static string? ResourceString(RepeatedField<KeyValue>? attributes, string key)
    {
        if (attributes is null)
        {
            return null;
        }

        foreach (var kv in attributes)
        {
            if (kv.Key == key && kv.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue)
            {
                return kv.Value.StringValue;
            }
        }

        return null;
    }

    /// <summary>A data-point attribute as tag text: strings as they are, numbers and booleans in invariant
    /// form, arrays and maps as JSON text.</summary>
    private static string? AsText(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString("R", CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.BytesValue => value.BytesValue.ToBase64(),
        AnyValue.ValueOneofCase.ArrayValue or AnyValue.ValueOneofCase.KvlistValue => Json(value),
        _ => null,
    };

    private static string Json(AnyValue value)
    {
        var bytes = value.ToByteArray();
        using var buffer = new LineBuffer(256);
        var sink = new ProtoReader(bytes, 0, 0);
        var decoded = default(OtlpValue);
        if (!OtlpValue.TryDecode(bytes, 0, bytes.Length, out decoded, ref sink)
            || !AnyValueJsonWriter.TryWrite(bytes, decoded, buffer, ref sink))
        {
            return string.Empty;
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private string Truncate(string value)
    {
        if (value.Length * 3 <= _maxString || Encoding.UTF8.GetByteCount(value) <= _maxString)
        {
            return value;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        var cut = _maxString;
        while (cut > 0 && (bytes[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return Encoding.UTF8.GetString(bytes, 0, cut);
    }
}
