"""GetMetricData from an index of per-minute buckets instead of moto's full scan.

moto's GetMetricData walks every stored datapoint for every query and period
(100 functions: ~30 s a call, growing without bound). PutMetricData here also
folds each datapoint into (namespace, metric, dimensions) -> minute -> [sum,
count, min, max], keeping the 3 hours before the newest datapoint of each
series, and GetMetricData answers MetricStat queries (Sum, Average, Minimum,
Maximum, SampleCount; Period a multiple of 60) from it in O(buckets) per query.
Metric math, Insights and percentiles answer empty values with StatusCode
Complete. moto's own datapoint list is still filled (ListMetrics and
GetMetricStatistics read it) but trimmed to the same window.

Requests in the JSON protocol (what boto3 sends) also skip moto's generic
request parser and response serializer, which cost more than the index itself
for 500 queries: the body is read with ``json.loads`` and the answer written
with ``json.dumps`` in the shape moto's serializer produces. Anything else
(query protocol, malformed input) goes through moto as before.
``OPSDECK_DEMO_MOTO_SERIALIZER=1`` in the server's environment turns the
shortcut off, so tests can compare both.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timezone
from typing import Any

RETENTION_MINUTES = 180
STATS = {"Sum", "Average", "Minimum", "Maximum", "SampleCount"}
_TRIM_EVERY = 20_000  # raw datapoints appended between trims of moto's list

from console.demo import clock as demo_clock

_installed = False


def _epoch(ts: Any) -> float:
    if ts is None:
        return demo_clock.timestamp()
    if isinstance(ts, (int, float)):
        return float(ts)
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=timezone.utc)
    return ts.timestamp()


def _dims(dimensions: Any) -> frozenset:
    return frozenset((d["Name"], d.get("Value")) for d in dimensions or ())



def _merge(buckets: dict, key: int, total: float, count: float, low: float, high: float) -> None:
    """Fold one aggregate (sum, count, min, max) into buckets[key]."""
    bucket = buckets.get(key)
    if bucket is None:
        buckets[key] = [total, count, low, high]
    else:
        bucket[0] += total
        bucket[1] += count
        bucket[2] = min(bucket[2], low)
        bucket[3] = max(bucket[3], high)

class MetricIndex:
    """Per-backend index: series key -> unit -> {epoch minute: [sum, count, min, max]}."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.series: dict[tuple, dict[Any, dict[int, list[float]]]] = {}
        self.appended = 0

    def add(self, namespace: str, name: str, dims: frozenset, unit: Any, ts: Any,
            total: float, count: float, low: float, high: float) -> None:
        minute = int(_epoch(ts) // 60)
        with self.lock:
            units = self.series.setdefault((namespace, name, dims), {})
            buckets = units.setdefault(unit, {})
            _merge(buckets, minute, total, count, low, high)
            cutoff = minute - RETENTION_MINUTES  # oldest-first by insertion: pop from the front
            while buckets:
                first = next(iter(buckets))
                if first >= cutoff:
                    break
                del buckets[first]

    def query(self, namespace: str, name: str, dims: frozenset, unit: Any,
              start: float, end: float, period: int, stat: str) -> list[tuple[float, float]]:
        """[(period start epoch, value)] ascending, only periods with data in [start, end)."""
        with self.lock:
            units = self.series.get((namespace, name, dims), {})
            chosen = [units.get(unit, {})] if unit else list(units.values())
            rows = [(m, b) for buckets in chosen for m, b in buckets.items()]
        origin = int(start // 60) * 60
        grouped: dict[int, list[float]] = {}
        for minute, (total, count, low, high) in rows:
            t = minute * 60
            if t < start or t >= end:
                continue
            slot = origin + ((t - origin) // period) * period
            _merge(grouped, slot, total, count, low, high)
        out = []
        for slot in sorted(grouped):
            total, count, low, high = grouped[slot]
            value = {"Sum": total, "SampleCount": count, "Minimum": low, "Maximum": high,
                     "Average": total / count if count else 0.0}[stat]
            out.append((float(slot), value))
        return out


def index_of(backend: Any) -> MetricIndex:
    index = getattr(backend, "_opsdeck_metric_index", None)
    if index is None:
        index = backend._opsdeck_metric_index = MetricIndex()
    return index


def _index_put(backend: Any, namespace: str, metric_data: list[dict]) -> None:
    index = index_of(backend)
    for member in metric_data:
        name = member["MetricName"]
        dims = _dims(member.get("Dimensions"))
        unit = member.get("Unit")
        ts = member.get("Timestamp")
        if member.get("Values"):
            counts = member.get("Counts") or ["1"] * len(member["Values"])
            for value, count in zip(member["Values"], counts):
                value, count = float(value), int(float(count))
                if count > 0:
                    index.add(namespace, name, dims, unit, ts, value * count, count, value, value)
        elif member.get("StatisticValues"):
            s = member["StatisticValues"]
            index.add(namespace, name, dims, unit, ts, float(s["Sum"]), float(s["SampleCount"]),
                      float(s["Minimum"]), float(s["Maximum"]))
        else:
            value = float(member.get("Value", 0))
            index.add(namespace, name, dims, unit, ts, value, 1, value, value)


def _trim_raw(backend: Any) -> None:
    """Keep moto's raw list to the retention window of the newest datapoint."""
    data = backend.metric_data
    if not data:
        return
    newest = max(_epoch(md.timestamp) for md in data)
    cutoff = newest - RETENTION_MINUTES * 60
    backend.metric_data = [md for md in data if _epoch(md.timestamp) >= cutoff]


def get_metric_data(backend: Any, queries: list[dict], start_time: datetime, end_time: datetime,
                    scan_by: str = "TimestampAscending") -> list[dict]:
    """Indexed replacement of moto's CloudWatchBackend.get_metric_data (same result shape)."""
    from moto.cloudwatch.exceptions import ValidationError

    start_time = start_time.replace(microsecond=0)
    end_time = end_time.replace(microsecond=0)
    if start_time > end_time:
        raise ValidationError("The parameter EndTime must be greater than StartTime.")
    if start_time == end_time:
        raise ValidationError("The parameter StartTime must not equal parameter EndTime.")
    tz = start_time.tzinfo
    start, end = _epoch(start_time), _epoch(end_time)
    index = index_of(backend)
    results = []
    for query in queries:
        if not query.get("ReturnData", True):
            continue
        stat_query = query.get("MetricStat")
        values: list[float] = []
        stamps: list[datetime] = []
        if stat_query and stat_query.get("Stat") in STATS:
            metric = stat_query["Metric"]
            period = max(60, int(stat_query["Period"]) // 60 * 60)
            rows = index.query(metric["Namespace"], metric["MetricName"], _dims(metric.get("Dimensions")),
                               stat_query.get("Unit"), start, end, period, stat_query["Stat"])
            if scan_by == "TimestampDescending":
                rows.reverse()
            for epoch, value in rows:
                stamp = datetime.fromtimestamp(epoch, timezone.utc)
                stamps.append(stamp if tz else stamp.replace(tzinfo=None))
                values.append(value)
            label = query.get("Label") or f"{metric['MetricName']} {stat_query['Stat']}"
        else:
            label = query.get("Label") or query["Id"]
        results.append({"id": query["Id"], "label": label, "values": values,
                        "timestamps": stamps, "status_code": "Complete"})
    return results


JSON_CONTENT_TYPE = "application/x-amz-json-1.0"


def _fast_request(response: Any) -> dict | None:
    """The GetMetricData body when the shortcut can answer it, else None (moto answers)."""
    if os.environ.get("OPSDECK_DEMO_MOTO_SERIALIZER"):
        return None
    if response.headers.get("Content-Type", "") != JSON_CONTENT_TYPE:
        return None
    target = response.headers.get("X-Amz-Target") or ""
    if target.rsplit(".", 1)[-1] != "GetMetricData":
        return None
    try:
        data = json.loads(response.body or "{}")
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("NextToken"):
        return None
    if not all(isinstance(data.get(k), (int, float)) and not isinstance(data.get(k), bool)
               for k in ("StartTime", "EndTime")):
        return None
    queries = data.get("MetricDataQueries")
    if not isinstance(queries, list):
        return None
    for query in queries:
        if not isinstance(query, dict) or "Id" not in query or ("MetricStat" not in query and "Expression" not in query):
            return None
        stat = query.get("MetricStat")
        if stat is not None and not (isinstance(stat, dict) and isinstance(stat.get("Metric"), dict)
                                     and "Period" in stat and "Stat" in stat):
            return None
    return data


def _fast_response(response: Any, data: dict) -> tuple[int, dict, str]:
    start = datetime.fromtimestamp(data["StartTime"], timezone.utc)
    end = datetime.fromtimestamp(data["EndTime"], timezone.utc)
    results = get_metric_data(response.cloudwatch_backend, data["MetricDataQueries"], start, end,
                              data.get("ScanBy") or "TimestampDescending")
    body = {"MetricDataResults": [
        {"Id": r["id"], "Label": r["label"], "Timestamps": [t.timestamp() for t in r["timestamps"]],
         "Values": r["values"], "StatusCode": r["status_code"]} for r in results]}
    headers = dict(response.response_headers)
    headers["Content-Type"] = JSON_CONTENT_TYPE
    return 200, headers, json.dumps(body)


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.cloudwatch.models import CloudWatchBackend
    from moto.cloudwatch.responses import CloudWatchResponse

    original_parse = CloudWatchResponse.parse_parameters
    original_response = CloudWatchResponse.get_metric_data

    def parse_parameters(self, request):  # type: ignore[no-untyped-def]
        self._opsdeck_gmd = _fast_request(self)
        if self._opsdeck_gmd is None:
            original_parse(self, request)
        else:
            self.params = {}

    def get_metric_data_response(self):  # type: ignore[no-untyped-def]
        data = getattr(self, "_opsdeck_gmd", None)
        if data is None:
            return original_response(self)
        return _fast_response(self, data)

    CloudWatchResponse.parse_parameters = parse_parameters
    CloudWatchResponse.get_metric_data = get_metric_data_response

    original_put = CloudWatchBackend.put_metric_data
    CloudWatchBackend._opsdeck_original_get_metric_data = CloudWatchBackend.get_metric_data

    def put_metric_data(self, namespace, metric_data):  # type: ignore[no-untyped-def]
        before = len(self.metric_data)
        original_put(self, namespace, metric_data)  # validates, feeds ListMetrics/GetMetricStatistics
        _index_put(self, namespace, metric_data)
        index = index_of(self)
        index.appended += len(self.metric_data) - before
        if index.appended >= _TRIM_EVERY:
            index.appended = 0
            _trim_raw(self)

    def indexed_get_metric_data(self, queries, start_time, end_time, scan_by="TimestampAscending"):  # type: ignore[no-untyped-def]
        return get_metric_data(self, queries, start_time, end_time, scan_by)

    CloudWatchBackend.put_metric_data = put_metric_data
    CloudWatchBackend.get_metric_data = indexed_get_metric_data
    _installed = True
