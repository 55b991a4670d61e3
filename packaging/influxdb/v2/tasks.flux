// InfluxDB 2.x variant of telemetry.iql: buckets instead of database + retention policies, and tasks
// instead of continuous queries. Create the buckets first (see README.md in this folder):
//   influx bucket create --name telemetry --retention 7d           (raw; the collector writes here)
//   influx bucket create --name telemetry_rollup_90d --retention 90d
// then create each task below with `influx task create --file <one task>.flux` (split at the lines
// starting with "// ---- task"). Each runs every minute over the last 2 minutes, so points up to a minute late are
// counted, and writes 1-minute aggregates with the same tag sets as the v1 continuous queries. The optional
// rollups of the raw http_requests points (v1: raw-request-rollups.iql) are in raw-request-rollups.flux.

// ---- task: http_request_metrics_1m (the agent's request metrics; telemetry.iql cq_http_server_*_1m)
// Requests per minute come from the agent's per-interval aggregates, not from the raw http_requests points:
// a task over those re-reads every access-log line of its range (see raw-request-rollups.flux, optional).
option task = {name: "telemetry_http_request_metrics_1m", every: 1m, offset: 10s}

requests = from(bucket: "telemetry")
    |> range(start: -2m)
    |> filter(fn: (r) => r._measurement == "http.server.request.count" or r._measurement == "http.server.response.body.size" or r._measurement == "http.server.request.duration")

// counters (delta): sum per minute; histogram: count and sum add up, min and max are the minute's extremes
// (the percentile fields are not rolled up)
requests
    |> filter(fn: (r) => r._field == "value" or r._field == "count" or r._field == "sum")
    |> aggregateWindow(every: 1m, fn: sum, createEmpty: false)
    |> to(bucket: "telemetry_rollup_90d")

requests
    |> filter(fn: (r) => r._measurement == "http.server.request.duration" and r._field == "min")
    |> aggregateWindow(every: 1m, fn: min, createEmpty: false)
    |> to(bucket: "telemetry_rollup_90d")

requests
    |> filter(fn: (r) => r._measurement == "http.server.request.duration" and r._field == "max")
    |> aggregateWindow(every: 1m, fn: max, createEmpty: false)
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
