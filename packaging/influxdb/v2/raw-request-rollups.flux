// OPTIONAL, off by default: the InfluxDB 2.x variant of ../raw-request-rollups.iql, a rollup of the raw
// http_requests points (one per access-log line) by exact status. Each run re-reads every line of its range;
// at thousands of lines/s that holds back InfluxDB's writes (docs/operations.md, "Sizing: what the rollups
// cost"). The default request rollups come from the agent's request metrics (tasks.flux). Create it like the
// tasks of tasks.flux: influx task create --file raw-request-rollups.flux

// ---- task: http_requests_1m
option task = {name: "telemetry_http_requests_1m", every: 1m, offset: 10s}

base = from(bucket: "telemetry")
    |> range(start: -2m)
    |> filter(fn: (r) => r._measurement == "http_requests")

keys = ["host", "service", "vhost", "status_class", "status", "method"]

base
    |> filter(fn: (r) => r._field == "status_code")
    |> group(columns: keys)
    |> aggregateWindow(every: 1m, fn: count, createEmpty: false)
    |> set(key: "_field", value: "requests")
    |> set(key: "_measurement", value: "http_requests_1m")
    |> to(bucket: "telemetry_rollup_90d")

base
    |> filter(fn: (r) => r._field == "bytes")
    |> group(columns: keys)
    |> aggregateWindow(every: 1m, fn: sum, createEmpty: false)
    |> set(key: "_measurement", value: "http_requests_1m")
    |> to(bucket: "telemetry_rollup_90d")

base
    |> filter(fn: (r) => r._field == "duration")
    |> group(columns: keys)
    |> aggregateWindow(every: 1m, fn: sum, createEmpty: false)
    |> set(key: "_field", value: "duration_sum")
    |> set(key: "_measurement", value: "http_requests_1m")
    |> to(bucket: "telemetry_rollup_90d")

base
    |> filter(fn: (r) => r._field == "duration")
    |> group(columns: keys)
    |> aggregateWindow(every: 1m, fn: count, createEmpty: false)
    |> set(key: "_field", value: "duration_count")
    |> set(key: "_measurement", value: "http_requests_1m")
    |> to(bucket: "telemetry_rollup_90d")
