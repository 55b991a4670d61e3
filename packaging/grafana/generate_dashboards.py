#!/usr/bin/env python3
"""Writes dashboards/*.json. The JSON files are what Grafana provisions and what the tests check;
this script is how they are kept consistent (one place for the data source uid, the filters, the
metric names and the traffic-light thresholds). Run: python3 packaging/grafana/generate_dashboards.py
"""
import json
import os

DS = {"type": "influxdb", "uid": "telemetry-influxdb"}

# Traffic-light thresholds of the 3xx/4xx/5xx stat panels (counts in the time range). Grafana does not
# accept variables in thresholds (grafana/grafana#922), so they live here; change and re-run, or
# override them in the UI.
ORANGE_FROM = 50
RED_FROM = 100

# Metric names (docs/influxdb-schema.md: the measurement is the metric name).
M = {
    "req_count": "http.server.request.count",
    "req_bytes": "http.server.response.body.size",
    "req_duration": "http.server.request.duration",
    "cpu": "system.cpu.utilization",
    "mem_usage": "system.memory.usage",
    "mem_util": "system.memory.utilization",
    "load1": "system.cpu.load_average.1m",
    "load5": "system.cpu.load_average.5m",
    "load15": "system.cpu.load_average.15m",
    "disk_io": "system.disk.io",
    "disk_ops": "system.disk.operations",
    "fs_util": "system.filesystem.utilization",
    "fs_usage": "system.filesystem.usage",
    "net_io": "system.network.io",
    "net_err": "system.network.errors",
    "lines_read": "telemetry.agent.lines.read",
    "lines_acked": "telemetry.agent.lines.acknowledged",
    "lines_malformed": "telemetry.agent.lines.malformed",
    "lag": "telemetry.agent.file.lag",
    "retries": "telemetry.agent.export.retries",
    "agent_queue": "telemetry.agent.batches.in_flight",
    "received": "telemetry.collector.records.received",
    "written": "telemetry.collector.points.written",
    "rejected": "telemetry.collector.records.rejected",
    "write_duration": "telemetry.collector.write.duration",
    "write_errors": "telemetry.collector.points.failed",
    "points_rejected": "telemetry.collector.points.rejected",
    "write_retries": "telemetry.collector.write.retries",
    "collector_queue": "telemetry.collector.write.queue_depth",
}

# Per host, the mean number of host-metric points per minute over the last 5 one-minute buckets: 0 means
# the host was seen earlier in the range but has been silent for 5 minutes. (InfluxQL pushes an outer
# time condition into a subquery, so "last point older than 5 minutes" cannot be written directly.)
SILENT_HOSTS = ('SELECT moving_average(count("value"), 5) AS "points" FROM "system.cpu.utilization" '
                'WHERE $timeFilter GROUP BY time(1m), "host" fill(0)')

HTTP_FILTER = '"host" =~ /^$host$/ AND "service" =~ /^$service$/ AND "vhost" =~ /^$vhost$/ AND $timeFilter'
HOST_FILTER = '"host" =~ /^$host$/ AND $timeFilter'


# Legend aliases: Grafana's "$tag_x" takes word characters only, so a dotted tag (cpu.mode) is written
# "[[tag_cpu.mode]]" ("$tag_cpu.mode" would read the tag "cpu").
def target(ref, query, alias=None, fmt="time_series"):
    t = {"refId": ref, "datasource": DS, "query": query, "rawQuery": True, "resultFormat": fmt}
    if alias:
        t["alias"] = alias
    return t


class Layout:
    def __init__(self):
        self.x = 0
        self.y = 0
        self.row_h = 0
        self.next_id = 1

    def place(self, w, h):
        if self.x + w > 24:
            self.x = 0
            self.y += self.row_h
            self.row_h = 0
        pos = {"h": h, "w": w, "x": self.x, "y": self.y}
        self.x += w
        self.row_h = max(self.row_h, h)
        return pos

    def row(self, title):
        if self.x:
            self.x = 0
            self.y += self.row_h
            self.row_h = 0
        panel = {"type": "row", "title": title, "id": self.id(), "collapsed": False,
                 "gridPos": {"h": 1, "w": 24, "x": 0, "y": self.y}, "panels": []}
        self.y += 1
        return panel

    def id(self):
        i = self.next_id
        self.next_id += 1
        return i


def panel(lay, kind, title, targets, w=12, h=8, unit=None, desc=None, options=None, custom=None,
          thresholds=None, transformations=None, interval=None, no_value=None, decimals=None, overrides=None):
    defaults = {}
    if unit:
        defaults["unit"] = unit
    if thresholds:
        defaults["thresholds"] = thresholds
        defaults["color"] = {"mode": "thresholds"}
    if custom:
        defaults["custom"] = custom
    if no_value is not None:
        defaults["noValue"] = no_value
    if decimals is not None:
        defaults["decimals"] = decimals
    p = {
        "type": kind,
        "title": title,
        "id": lay.id(),
        "datasource": DS,
        "gridPos": lay.place(w, h),
        "targets": targets,
        "fieldConfig": {"defaults": defaults, "overrides": overrides or []},
        "options": options or {},
    }
    if desc:
        p["description"] = desc
    if transformations:
        p["transformations"] = transformations
    if interval:
        p["interval"] = interval
    return p


def query_var(name, label, query, include_all=True, multi=True):
    v = {"name": name, "label": label, "type": "query", "datasource": DS, "query": query, "refresh": 1,
         "sort": 1, "multi": multi, "includeAll": include_all,
         "current": {"text": "All", "value": "$__all", "selected": True} if include_all else {"text": "", "value": ""},
         "options": [], "hide": 0}
    if include_all:
        v["allValue"] = ".*"
    return v


def custom_var(name, label, values, default):
    return {"name": name, "label": label, "type": "custom", "query": ",".join(values), "multi": False,
            "includeAll": False, "current": {"text": default, "value": default, "selected": True},
            "options": [{"text": v, "value": v, "selected": v == default} for v in values], "hide": 0}


def dashboard(uid, title, description, panels, variables, tags, time_from="now-15m", refresh="30s"):
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["telemetry"] + tags,
        "timezone": "browser",
        "editable": True,
        "graphTooltip": 1,
        "schemaVersion": 39,
        "version": 1,
        "refresh": refresh,
        "time": {"from": time_from, "to": "now"},
        "timepicker": {},
        "fiscalYearStartMonth": 0,
        "liveNow": False,
        "links": [{"title": "Telemetry", "type": "dashboards", "tags": ["telemetry"], "asDropdown": True,
                   "icon": "external link", "includeVars": True, "keepTime": True, "targetBlank": False,
                   "tooltip": "", "url": ""}],
        "annotations": {"list": [{"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
                                  "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
                                  "name": "Annotations & Alerts", "type": "dashboard"}]},
        "templating": {"list": variables},
        "panels": panels,
    }


def traffic_light():
    return {"mode": "absolute", "steps": [
        {"color": "green", "value": None},
        {"color": "orange", "value": ORANGE_FROM},
        {"color": "red", "value": RED_FROM},
    ]}


TS = {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 10, "showPoints": "never", "spanNulls": False}
TS_STACK = dict(TS, fillOpacity=60, stacking={"mode": "normal", "group": "A"}, drawStyle="bars")
LEGEND = {"legend": {"displayMode": "table", "placement": "right", "calcs": ["sum", "max"], "showLegend": True},
          "tooltip": {"mode": "multi", "sort": "desc"}}


def web_traffic():
    lay = Layout()
    panels = []
    panels.append(lay.row("Status classes in the time range"))
    for cls in ["3xx", "4xx", "5xx"]:
        panels.append(panel(
            lay, "stat", f"{cls} responses",
            [target("A", f"SELECT count(\"status_code\") AS \"{cls}\" FROM \"http_requests\" WHERE \"status_class\" = '{cls}' AND {HTTP_FILTER}")],
            w=6, h=5, unit="short", thresholds=traffic_light(), no_value="0", decimals=0,
            desc=f"Requests answered with {cls} in the selected range. Green below {ORANGE_FROM}, orange from {ORANGE_FROM}, red from {RED_FROM} (constants in packaging/grafana/generate_dashboards.py).",
            options={"reduceOptions": {"calcs": ["sum"], "fields": "", "values": False}, "colorMode": "background",
                     "graphMode": "none", "justifyMode": "center", "textMode": "value", "orientation": "auto"}))
    panels.append(panel(
        lay, "stat", "Requests", [target("A", f"SELECT count(\"status_code\") AS \"requests\" FROM \"http_requests\" WHERE {HTTP_FILTER}")],
        w=6, h=5, unit="short", no_value="0", decimals=0,
        options={"reduceOptions": {"calcs": ["sum"], "fields": "", "values": False}, "colorMode": "none", "graphMode": "none", "textMode": "value"}))

    panels.append(lay.row("Traffic"))
    panels.append(panel(
        lay, "timeseries", "Requests per status code",
        [target("A", f"SELECT count(\"status_code\") FROM \"http_requests\" WHERE {HTTP_FILTER} GROUP BY time($__interval), \"status\" fill(0)", alias="$tag_status")],
        w=12, unit="short", custom=TS_STACK, options=LEGEND))
    panels.append(panel(
        lay, "timeseries", "Requests per server by status class",
        [target("A", f"SELECT count(\"status_code\") FROM \"http_requests\" WHERE {HTTP_FILTER} GROUP BY time($__interval), \"host\", \"status_class\" fill(0)", alias="$tag_host $tag_status_class")],
        w=12, unit="short", custom=TS_STACK, options=LEGEND))
    panels.append(panel(
        lay, "heatmap", "GET requests by route over time",
        [target("A", f"SELECT count(\"status_code\") FROM \"http_requests\" WHERE \"method\" = 'GET' AND {HTTP_FILTER} GROUP BY time($__interval), \"route\" fill(0)", alias="$tag_route")],
        w=24, h=9,
        options={"calculate": False, "yAxis": {"axisPlacement": "left"}, "rowsFrame": {"layout": "auto"},
                 "color": {"mode": "scheme", "scheme": "Oranges", "steps": 64, "fill": "dark-orange", "exponent": 0.5, "scale": "exponential", "reverse": False},
                 "cellGap": 1, "legend": {"show": True}, "tooltip": {"mode": "single", "yHistogram": False}},
        desc="Each row is a route template (the collector's bounded route tag), each cell the GET requests in that interval."))
    panels.append(panel(
        lay, "timeseries", "Request rate",
        [target("A", f"SELECT count(\"status_code\") * 1000 / $__interval_ms FROM \"http_requests\" WHERE {HTTP_FILTER} GROUP BY time($__interval), \"vhost\" fill(0)", alias="$tag_vhost")],
        w=8, unit="reqps", custom=TS, options=LEGEND))
    panels.append(panel(
        lay, "timeseries", "Error ratio (5xx)",
        [target("A", "SELECT mean(\"error\") FROM (SELECT floor(\"status_code\" / 500) AS \"error\" FROM \"http_requests\" WHERE "
                + HTTP_FILTER + ") WHERE $timeFilter GROUP BY time($__interval) fill(none)", alias="5xx ratio")],
        w=8, unit="percentunit", custom=TS, options=LEGEND,
        desc="Share of requests answered with a 5xx status (status_code 500-599 count as 1, others 0)."))
    panels.append(panel(
        lay, "timeseries", "Bytes served",
        [target("A", f"SELECT sum(\"bytes\") * 1000 / $__interval_ms FROM \"http_requests\" WHERE {HTTP_FILTER} GROUP BY time($__interval), \"vhost\" fill(0)", alias="$tag_vhost")],
        w=8, unit="Bps", custom=TS, options=LEGEND))
    panels.append(panel(
        lay, "timeseries", "Latency percentiles",
        [target("A", f"SELECT percentile(\"duration\", 50) AS \"p50\", percentile(\"duration\", 90) AS \"p90\", percentile(\"duration\", 99) AS \"p99\", max(\"duration\") AS \"max\" FROM \"http_requests\" WHERE {HTTP_FILTER} GROUP BY time($__interval) fill(none)")],
        w=12, unit="s", custom=TS, options=LEGEND,
        desc="From the duration field (seconds) of each request; empty when the log format has no duration (%D, $request_time, time-taken)."))
    panels.append(panel(
        lay, "piechart", "User-agent classes",
        [target("A", f"SELECT count(\"status_code\") FROM \"http_requests\" WHERE {HTTP_FILTER} GROUP BY \"ua_class\"", alias="$tag_ua_class")],
        w=12, unit="short",
        options={"reduceOptions": {"calcs": ["sum"], "fields": "", "values": False}, "pieType": "donut",
                 "legend": {"displayMode": "table", "placement": "right", "values": ["value", "percent"], "showLegend": True}}))
    panels.append(panel(
        lay, "table", "Top routes",
        [target("A", "SELECT top(\"requests\", \"route\", 15) AS \"requests\" FROM (SELECT count(\"status_code\") AS \"requests\" FROM \"http_requests\" WHERE "
                + HTTP_FILTER + " GROUP BY \"route\") WHERE $timeFilter", fmt="table")],
        w=12, h=9,
        transformations=[{"id": "organize", "options": {"excludeByName": {"Time": True}, "renameByName": {}}},
                         {"id": "sortBy", "options": {"sort": [{"field": "requests", "desc": True}]}}],
        options={"showHeader": True, "cellHeight": "sm"}))
    panels.append(panel(
        lay, "table", "Top clients (last 10,000 requests)",
        [target("A", f"SELECT \"client\", \"status_code\" FROM \"http_requests\" WHERE {HTTP_FILTER} ORDER BY time DESC LIMIT 10000", fmt="table")],
        w=12, h=9,
        desc="Client addresses are a field (unbounded), so they are counted in Grafana over the most recent 10,000 requests of the range.",
        transformations=[{"id": "groupBy", "options": {"fields": {"client": {"aggregations": [], "operation": "groupby"},
                                                                  "status_code": {"aggregations": ["count"], "operation": "aggregate"}}}},
                         {"id": "organize", "options": {"renameByName": {"status_code (count)": "requests"}}},
                         {"id": "sortBy", "options": {"sort": [{"field": "requests", "desc": True}]}},
                         {"id": "limit", "options": {"limitField": 15}}],
        options={"showHeader": True, "cellHeight": "sm"}))

    # The agent's own per-interval aggregates (meter Telemetry.Agent.Requests): a few points per host and
    # interval whatever the traffic, so they stay cheap over long ranges and still count every line when
    # raw points are sampled or kept briefly. Their "service" tag is telemetry-agent, so $service does not
    # apply; the virtual host is the "server.address" tag.
    agg_filter = '"host" =~ /^$host$/ AND "server.address" =~ /^$vhost$/ AND $timeFilter'
    panels.append(lay.row("Agent request metrics (aggregated on each host)"))
    panels.append(panel(
        lay, "timeseries", "Requests per status class (agent metrics)",
        [target("A", f"SELECT sum(\"value\") FROM \"{M['req_count']}\" WHERE {agg_filter} GROUP BY time($__interval), \"http.response.status_class\" fill(0)",
                alias="[[tag_http.response.status_class]]")],
        w=8, unit="short", custom=TS_STACK, options=LEGEND,
        desc="http.server.request.count, counted by the agent per export interval (delta): the same totals as the raw lines."))
    panels.append(panel(
        lay, "timeseries", "Bytes served (agent metrics)",
        [target("A", f"SELECT sum(\"value\") * 1000 / $__interval_ms FROM \"{M['req_bytes']}\" WHERE {agg_filter} GROUP BY time($__interval), \"server.address\" fill(0)",
                alias="[[tag_server.address]]")],
        w=8, unit="Bps", custom=TS, options=LEGEND))
    panels.append(panel(
        lay, "timeseries", "Mean latency (agent metrics)",
        [target("A", f"SELECT sum(\"sum\") / sum(\"count\") FROM \"{M['req_duration']}\" WHERE {agg_filter} GROUP BY time($__interval), \"host\" fill(none)",
                alias="$tag_host")],
        w=8, unit="s", custom=TS, options=LEGEND,
        desc="http.server.request.duration histogram: sum / count per bucket. Empty when the log format has no request time."))

    # The same aggregates rolled up to one point per minute (telemetry.iql keeps the metric names and tags in
    # rollup_90d): 90 days. Not rolled up from the raw http_requests points: those CQs re-read every line and
    # stall InfluxDB's writes at thousands of lines/s (docs/operations.md, "Sizing: what the rollups cost").
    panels.append(lay.row("Long range (1-minute rollups, 90 days)"))
    panels.append(panel(
        lay, "timeseries", "Requests per status class (rollup)",
        [target("A", f"SELECT sum(\"value\") FROM \"rollup_90d\".\"{M['req_count']}\" WHERE {agg_filter} GROUP BY time($__interval), \"http.response.status_class\" fill(0)",
                alias="[[tag_http.response.status_class]]")],
        w=8, unit="short", custom=TS_STACK, options=LEGEND, interval="1m",
        desc="From the cq_http_server_request_count_1m continuous query over the agent's request metrics; use for ranges beyond the 7 days of raw points."))
    panels.append(panel(
        lay, "timeseries", "Bytes served (rollup)",
        [target("A", f"SELECT sum(\"value\") FROM \"rollup_90d\".\"{M['req_bytes']}\" WHERE {agg_filter} GROUP BY time($__interval), \"server.address\" fill(0)",
                alias="[[tag_server.address]]")],
        w=8, unit="bytes", custom=TS, options=LEGEND, interval="1m"))
    panels.append(panel(
        lay, "timeseries", "Mean latency (rollup)",
        [target("A", f"SELECT sum(\"sum\") / sum(\"count\") FROM \"rollup_90d\".\"{M['req_duration']}\" WHERE {agg_filter} GROUP BY time($__interval), \"host\" fill(none)",
                alias="$tag_host")],
        w=8, unit="s", custom=TS, options=LEGEND, interval="1m"))

    variables = [
        query_var("host", "Host", 'SHOW TAG VALUES FROM "http_requests" WITH KEY = "host"'),
        query_var("service", "Service", 'SHOW TAG VALUES FROM "http_requests" WITH KEY = "service" WHERE "host" =~ /^$host$/'),
        query_var("vhost", "Virtual host", 'SHOW TAG VALUES FROM "http_requests" WITH KEY = "vhost" WHERE "host" =~ /^$host$/ AND "service" =~ /^$service$/'),
    ]
    return dashboard("telemetry-web-traffic", "Web traffic",
                     "Access-log traffic from the telemetry agents: status classes, rates, errors, latency, top routes and clients.",
                     panels, variables, ["web"])


def rate(measurement, by, alias, rp="$rp", where=HOST_FILTER):
    return f"SELECT sum(\"value\") * 1000 / $__interval_ms FROM \"{rp}\".\"{measurement}\" WHERE {where} GROUP BY time($__interval), {by} fill(none)"


def mean(measurement, by, rp="$rp", scale="", where=HOST_FILTER, fn="mean"):
    return f"SELECT {fn}(\"value\"){scale} FROM \"{rp}\".\"{measurement}\" WHERE {where} GROUP BY time($__interval), {by} fill(none)"


def hosts():
    lay = Layout()
    panels = []
    panels.append(lay.row("CPU and memory"))
    panels.append(panel(lay, "timeseries", "CPU utilization by mode",
                        [target("A", mean(M["cpu"], '"host", "cpu.mode"'), alias="$tag_host [[tag_cpu.mode]]")],
                        unit="percentunit", custom=dict(TS, stacking={"mode": "normal", "group": "A"}, fillOpacity=40), options=LEGEND))
    panels.append(panel(lay, "timeseries", "Memory usage by state",
                        [target("A", mean(M["mem_usage"], '"host", "system.memory.state"'), alias="$tag_host [[tag_system.memory.state]]")],
                        unit="bytes", custom=dict(TS, stacking={"mode": "normal", "group": "A"}, fillOpacity=40), options=LEGEND))
    panels.append(panel(lay, "timeseries", "Load average",
                        [target("A", mean(M["load1"], '"host"'), alias="$tag_host 1m"),
                         target("B", mean(M["load5"], '"host"'), alias="$tag_host 5m"),
                         target("C", mean(M["load15"], '"host"'), alias="$tag_host 15m")],
                        unit="short", custom=TS, options=LEGEND))
    panels.append(panel(lay, "timeseries", "Memory utilization",
                        [target("A", mean(M["mem_util"], '"host"', where=HOST_FILTER + " AND \"system.memory.state\" = 'used'"), alias="$tag_host")],
                        unit="percentunit", custom=TS, options=LEGEND))
    panels.append(lay.row("Disks and filesystems"))
    panels.append(panel(lay, "timeseries", "Disk throughput",
                        [target("A", rate(M["disk_io"], '"host", "system.device", "disk.io.direction"', None), alias="$tag_host [[tag_system.device]] [[tag_disk.io.direction]]")],
                        unit="Bps", custom=TS, options=LEGEND))
    panels.append(panel(lay, "timeseries", "Disk operations",
                        [target("A", rate(M["disk_ops"], '"host", "system.device", "disk.io.direction"', None), alias="$tag_host [[tag_system.device]] [[tag_disk.io.direction]]")],
                        unit="iops", custom=TS, options=LEGEND))
    panels.append(panel(lay, "bargauge", "Filesystem utilization",
                        [target("A", f"SELECT last(\"value\") FROM \"{M['fs_util']}\" WHERE {HOST_FILTER} GROUP BY \"host\", \"system.filesystem.mountpoint\"", alias="$tag_host [[tag_system.filesystem.mountpoint]]")],
                        w=12, unit="percentunit",
                        thresholds={"mode": "absolute", "steps": [{"color": "green", "value": None}, {"color": "orange", "value": 0.8}, {"color": "red", "value": 0.9}]},
                        options={"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}, "orientation": "horizontal", "displayMode": "gradient"}))
    panels.append(panel(lay, "timeseries", "Filesystem usage",
                        [target("A", mean(M["fs_usage"], '"host", "system.filesystem.mountpoint"', where=HOST_FILTER + " AND \"system.filesystem.state\" = 'used'"), alias="$tag_host [[tag_system.filesystem.mountpoint]]")],
                        unit="bytes", custom=TS, options=LEGEND))
    panels.append(lay.row("Network"))
    panels.append(panel(lay, "timeseries", "Network throughput",
                        [target("A", rate(M["net_io"], '"host", "network.interface.name", "network.io.direction"', None), alias="$tag_host [[tag_network.interface.name]] [[tag_network.io.direction]]")],
                        unit="Bps", custom=TS, options=LEGEND))
    panels.append(panel(lay, "timeseries", "Network errors",
                        [target("A", rate(M["net_err"], '"host", "network.interface.name", "network.io.direction"', None), alias="$tag_host [[tag_network.interface.name]] [[tag_network.io.direction]]")],
                        unit="short", custom=TS, options=LEGEND))
    variables = [
        query_var("host", "Host", f'SHOW TAG VALUES FROM "{M["cpu"]}" WITH KEY = "host"'),
        custom_var("rp", "Retention", ["raw", "rollup_90d"], "raw"),
    ]
    return dashboard("telemetry-hosts", "Hosts",
                     "Host metrics from the telemetry agents (OpenTelemetry semantic-convention names). Retention 'rollup_90d' reads the 1-minute rollups for long ranges.",
                     panels, variables, ["hosts"], time_from="now-1h")


def pipeline_health():
    lay = Layout()
    panels = []
    panels.append(lay.row("Agents"))
    panels.append(panel(lay, "timeseries", "Agent lines per second",
                        [target("A", rate(M["lines_read"], '"host"', None, rp="raw"), alias="$tag_host read"),
                         target("B", rate(M["lines_acked"], '"host"', None, rp="raw"), alias="$tag_host acknowledged"),
                         target("C", rate(M["lines_malformed"], '"host"', None, rp="raw"), alias="$tag_host malformed")],
                        unit="short", custom=TS, options=LEGEND))
    panels.append(panel(lay, "timeseries", "Bytes behind (lag)",
                        [target("A", f"SELECT sum(\"lag\") FROM (SELECT max(\"value\") AS \"lag\" FROM \"raw\".\"{M['lag']}\" WHERE {HOST_FILTER} GROUP BY time($__interval), \"host\", \"log.file.path\") WHERE $timeFilter GROUP BY time($__interval), \"host\" fill(none)", alias="$tag_host")],
                        unit="bytes", custom=TS, options=LEGEND,
                        desc="Bytes between the agent's read position and the end of its tailed files, summed over the files of each host."))
    panels.append(panel(lay, "timeseries", "Export retries",
                        [target("A", rate(M["retries"], '"host"', None, rp="raw"), alias="$tag_host")],
                        unit="short", custom=TS, options=LEGEND))
    panels.append(panel(lay, "timeseries", "Agent batches in flight",
                        [target("A", mean(M["agent_queue"], '"host"', rp="raw", fn="max"), alias="$tag_host")],
                        unit="short", custom=TS, options=LEGEND))
    panels.append(lay.row("Collectors"))
    panels.append(panel(lay, "timeseries", "Collector records per second",
                        [target("A", rate(M["received"], '"host"', None, rp="raw", where="$timeFilter"), alias="$tag_host received"),
                         target("B", rate(M["written"], '"host"', None, rp="raw", where="$timeFilter"), alias="$tag_host written"),
                         target("C", rate(M["rejected"], '"host"', None, rp="raw", where="$timeFilter"), alias="$tag_host rejected")],
                        unit="short", custom=TS, options=LEGEND))
    panels.append(panel(lay, "timeseries", "InfluxDB write latency",
                        [target("A", f"SELECT mean(\"p50\") AS \"p50\", mean(\"p99\") AS \"p99\", max(\"max\") AS \"max\" FROM \"{M['write_duration']}\" WHERE $timeFilter GROUP BY time($__interval), \"host\" fill(none)", alias="$tag_host $col")],
                        unit="s", custom=TS, options=LEGEND))
    panels.append(panel(lay, "timeseries", "Collector queue depth",
                        [target("A", mean(M["collector_queue"], '"host"', rp="raw", fn="max", where="$timeFilter"), alias="$tag_host")],
                        unit="short", custom=TS, options=LEGEND))
    panels.append(panel(lay, "timeseries", "InfluxDB write errors",
                        [target("A", rate(M["write_errors"], '"host"', None, rp="raw", where="$timeFilter"), alias="$tag_host failed (InfluxDB unavailable)"),
                         target("B", rate(M["points_rejected"], '"host"', None, rp="raw", where="$timeFilter"), alias="$tag_host rejected by InfluxDB"),
                         target("C", rate(M["write_retries"], '"host"', None, rp="raw", where="$timeFilter"), alias="$tag_host write retries")],
                        unit="short", custom=TS, options=LEGEND))
    panels.append(lay.row("Hosts"))
    panels.append(panel(lay, "table", "Hosts silent for 5 minutes",
                        [target("A", SILENT_HOSTS, fmt="time_series")],
                        w=12, h=8,
                        desc="Hosts that sent host metrics earlier in the range but none in the last 5 one-minute buckets (moving average of the per-minute point count is 0).",
                        transformations=[{"id": "reduce", "options": {"mode": "seriesToRows", "reducers": ["lastNotNull"], "includeTimeField": False}},
                                         {"id": "filterByValue", "options": {"type": "include", "match": "all",
                                                                             "filters": [{"fieldName": "Last *", "config": {"id": "equal", "options": {"value": 0}}}]}},
                                         {"id": "organize", "options": {"renameByName": {"Field": "host", "Last *": "points per minute, last 5 min"}}}],
                        options={"showHeader": True, "cellHeight": "sm"}))
    panels.append(panel(lay, "table", "Last report per host",
                        [target("A", f"SELECT last(\"value\") AS \"last_value\" FROM \"{M['cpu']}\" WHERE $timeFilter GROUP BY \"host\"", fmt="table")],
                        w=12, h=8,
                        transformations=[{"id": "organize", "options": {"excludeByName": {"last_value": True}, "renameByName": {"Time": "last seen"}}},
                                         {"id": "sortBy", "options": {"sort": [{"field": "last seen", "desc": False}]}}],
                        overrides=[{"matcher": {"id": "byName", "options": "last seen"}, "properties": [{"id": "unit", "value": "dateTimeFromNow"}]}],
                        options={"showHeader": True, "cellHeight": "sm"}))
    variables = [query_var("host", "Host", f'SHOW TAG VALUES FROM "{M["lines_read"]}" WITH KEY = "host"')]
    return dashboard("telemetry-pipeline-health", "Pipeline health",
                     "The telemetry agents and collectors watching themselves: lines read, acknowledged and malformed, lag, retries, records received/written/rejected, write latency, queues, silent hosts.",
                     panels, variables, ["pipeline"], time_from="now-1h")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for name, board in [("web-traffic", web_traffic()), ("hosts", hosts()), ("pipeline-health", pipeline_health())]:
        with open(os.path.join(here, "dashboards", name + ".json"), "w", encoding="utf-8") as f:
            json.dump(board, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
