// InfluxDB 2.x variant of telemetry.iql: buckets instead of database + retention policies, and tasks
// instead of continuous queries. Create the buckets first (see README.md in this folder):
//   influx bucket create --name telemetry --retention 7d           (raw; the collector writes here)
//   influx bucket create --name telemetry_rollup_90d --retention 90d
// then create each task below with `influx task create --file <one task>.flux` (split at the lines
// starting with "// ---- task"). Each runs every minute over the last 2 minutes, so points up to a minute late are
// counted, and writes 1-minute aggregates with the same tag sets as the v1 continuous queries.

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

// ---- task: host_metrics_1m (gauges: mean; the measurement names are those of telemetry.iql)
option task = {name: "telemetry_host_metrics_1m", every: 1m, offset: 10s}

from(bucket: "telemetry")
    |> range(start: -2m)
    |> filter(fn: (r) => r._field == "value")
    |> filter(fn: (r) => r._measurement =~ /^system\.(cpu\.utilization|memory\.(usage|utilization)|cpu\.load_average\..*|filesystem\.(usage|utilization)|paging\.usage|process\.count)$/)
    |> aggregateWindow(every: 1m, fn: mean, createEmpty: false)
    |> to(bucket: "telemetry_rollup_90d")

// ---- task: host_counters_1m (delta sums: sum per minute)
option task = {name: "telemetry_host_counters_1m", every: 1m, offset: 10s}

from(bucket: "telemetry")
    |> range(start: -2m)
    |> filter(fn: (r) => r._field == "value")
    |> filter(fn: (r) => r._measurement =~ /^(system\.(cpu\.time|disk\.(io|operations)|network\.(io|packets|errors|dropped))|telemetry\.(agent\.lines\..*|collector\.(records\..*|points\.written)))$/)
    |> aggregateWindow(every: 1m, fn: sum, createEmpty: false)
    |> to(bucket: "telemetry_rollup_90d")
