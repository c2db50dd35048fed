"""GetMetricData from an index of per-minute buckets, with CloudWatch's delay and percentiles.

moto's GetMetricData walks every stored datapoint for every query and period
(100 functions: ~30 s a call, growing without bound). PutMetricData here also
folds each datapoint into (namespace, metric, dimensions) -> unit -> minute ->
bucket (sum, count, min, max, and the raw values percentiles need), keeping the
3 hours before the newest datapoint of each series (63 days of AWS/Events and
AWS/Scheduler), and GetMetricData answers
MetricStat queries (Sum, Average, Minimum, Maximum, SampleCount, pNN and pNN.N;
Period a multiple of 60) from it in O(buckets) per query. Metric math, Insights
and the other extended statistics answer empty values with StatusCode Complete.

What it adds to moto, each with a contract test in tests/contract/test_cloudwatch.py:

- Ingestion delay. A datapoint becomes visible to GetMetricData only once the
  server's clock (console.demo.clock) reaches the time it was written plus
  realism.metric_delay (read when it is written; AWS documents no figure, the demo
  assumes 60 s). Until then it is held apart from its bucket.
- Percentiles from raw values. "CloudWatch needs raw data points to calculate
  percentile statistics"; from a statistic set only when "The Min and Max are equal,
  and Sum is equal to Min multiplied by SampleCount" (the newer, stricter wording of
  the PutMetricData reference; its other case, SampleCount 1 with Min = Max = Sum,
  is included in it); never when any value of the metric is negative. A period
  holding any other statistic set has no percentile. AWS documents what a
  percentile means ("p95 ... means that 95 percent of the data within the period is
  lower than this value", Statistics-definitions.html) but not how it is computed:
  this index uses the nearest rank (the smallest value with at least p % of the
  samples at or below it), an assumption, which always answers a value that was
  published.
- ListMetrics lists each metric (namespace, name, dimension set) once: moto's
  de-duplication compares dimension lists wrongly and lists a metric with two or
  more dimensions, or none, once per datapoint.

Values/Counts datums are kept in moto's own list as one statistic set each (moto
stores one object per value otherwise: hundreds of bytes per Lambda invocation).
The raw values a bucket keeps for percentiles are bounded: above
MAX_BUCKET_VALUES distinct values a bucket merges equal values and then rounds them
to 4 significant digits (the embedded AWS's own memory bound, not AWS behaviour).

Requests in the JSON protocol (what boto3 sends) also skip moto's generic
request parser and response serializer, which cost more than the index itself
for 500 queries: the body is read with ``json.loads`` and the answer written
with ``json.dumps`` in the shape moto's serializer produces. Anything else
(query protocol, malformed input) goes through moto as before.
``OPSDECK_DEMO_MOTO_SERIALIZER=1`` in the server's environment turns the
shortcut off, so tests can compare both.
"""

from __future__ import annotations

import heapq
import itertools
import json
import math
import os
import re
import threading
from array import array
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from typing import Any

from console.demo import clock as demo_clock
from console.demo import realism

RETENTION_MINUTES = 180
# Sparse namespaces the console reads a whole day of ("did the nightly rule fire"): kept as
# long as AWS keeps five-minute data, 63 days (CloudWatch concepts, "Metric retention": one-
# minute data for 15 days, then aggregated, not gone), so a test's clock jump of days does not
# cut the day before it: a 15-day jump on the shared server (Step Functions' redrive window)
# once deleted the seeded day of AWS/Events, and every later test saw the demo's rules miss
# every fire. The rest: 3 hours, to bound memory.
DAY_RETENTION = {"AWS/Events": 63 * 24 * 60, "AWS/Scheduler": 63 * 24 * 60}
STATS = {"Sum", "Average", "Minimum", "Maximum", "SampleCount"}
PERCENTILE = re.compile(r"^p(\d{1,2}(?:\.\d+)?|100(?:\.0+)?)$")  # p50, p99, p99.9, p100
MAX_BUCKET_VALUES = 20_000  # distinct raw values kept per minute bucket (memory bound)
_TRIM_EVERY = 20_000  # raw datapoints appended between trims of moto's list

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


def percentile_of(stat: str) -> Fraction | None:
    """The percentile a statistic names (p99 -> 99, p99.9 -> 99.9), None for anything else."""
    match = PERCENTILE.match(stat or "")
    if not match:
        return None
    value = Fraction(match.group(1))
    return value if 0 < value <= 100 else None


def nearest_rank(values: list[tuple[float, float]], p: Fraction) -> float | None:
    """The smallest value with at least p % of the samples at or below it; `values` are
    (value, count) pairs, any order. None without samples."""
    pairs = sorted((v, c) for v, c in values if c > 0)
    total = math.fsum(c for _, c in pairs)
    if not total:
        return None
    rank = max(1, math.ceil(p * Fraction(total) / 100))  # exact: p99 of 100 values is the 99th
    seen = 0.0
    for value, count in pairs:
        seen += count
        if seen >= rank:
            return value
    return pairs[-1][0]


class Arrival:
    """What one PutMetricData member adds to one minute of a series."""

    __slots__ = ("total", "count", "low", "high", "values", "counts", "exact")

    def __init__(self, total: float, count: float, low: float, high: float,
                 values: list[float], counts: list[float], exact: bool) -> None:
        self.total, self.count, self.low, self.high = total, count, low, high
        self.values, self.counts, self.exact = values, counts, exact


class Bucket:
    """One minute of one series: sum, count, min, max, and (value, count) pairs for
    percentiles; `exact` is False once a statistic set without its values was added."""

    __slots__ = ("total", "count", "low", "high", "values", "counts", "exact")

    def __init__(self) -> None:
        self.total = 0.0
        self.count = 0.0
        self.low = math.inf
        self.high = -math.inf
        self.values = array("d")
        self.counts = array("d")
        self.exact = True

    def add(self, arrival: Arrival) -> None:
        self.total += arrival.total
        self.count += arrival.count
        self.low = min(self.low, arrival.low)
        self.high = max(self.high, arrival.high)
        self.exact = self.exact and arrival.exact
        if self.exact:
            self.values.extend(arrival.values)
            self.counts.extend(arrival.counts)
            if len(self.values) > MAX_BUCKET_VALUES:
                self._compact()
        else:
            self.values, self.counts = array("d"), array("d")

    def _compact(self) -> None:
        merged: dict[float, float] = {}
        for value, count in zip(self.values, self.counts):
            merged[value] = merged.get(value, 0.0) + count
        if len(merged) > MAX_BUCKET_VALUES:
            coarse: dict[float, float] = {}
            for value, count in merged.items():
                key = float(f"{value:.4g}")
                coarse[key] = coarse.get(key, 0.0) + count
            merged = coarse
        self.values = array("d", merged.keys())
        self.counts = array("d", merged.values())


def _arrival(member: dict) -> Arrival | None:
    """A PutMetricData member as one Arrival (None: nothing to add, e.g. all counts 0)."""
    if member.get("Values"):
        counts = member.get("Counts") or [1] * len(member["Values"])
        pairs = [(float(v), float(c)) for v, c in zip(member["Values"], counts) if float(c) > 0]
        if not pairs:
            return None
        values = [v for v, _ in pairs]
        return Arrival(sum(v * c for v, c in pairs), sum(c for _, c in pairs), min(values), max(values),
                       values, [c for _, c in pairs], True)
    if member.get("StatisticValues"):
        s = member["StatisticValues"]
        total, count = float(s["Sum"]), float(s["SampleCount"])
        low, high = float(s["Minimum"]), float(s["Maximum"])
        # "The Min and Max are equal, and Sum is equal to Min multiplied by SampleCount":
        # then every value is Min, and percentiles can use it
        exact = low == high and math.isclose(total, low * count, rel_tol=1e-9, abs_tol=1e-9)
        return Arrival(total, count, low, high, [low] if exact else [], [count] if exact else [], exact)
    value = float(member.get("Value", 0))
    return Arrival(value, 1.0, value, value, [value], [1.0], True)


class MetricIndex:
    """Per-backend index: series key -> unit -> {epoch minute: Bucket}, plus the arrivals
    still inside CloudWatch's delay (a heap by the time they become visible)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.series: dict[tuple, dict[Any, dict[int, Bucket]]] = {}
        self.negative: set[tuple] = set()  # series with a negative value: no percentiles
        self.pending: list[tuple[float, int, tuple, Any, int, Arrival]] = []
        self._order = itertools.count()
        self.appended = 0

    def add(self, namespace: str, name: str, dims: frozenset, unit: Any, ts: Any, arrival: Arrival,
            visible_at: float | None = None) -> None:
        """Fold `arrival` into its minute now, or once the server's clock reaches `visible_at`."""
        minute = int(_epoch(ts) // 60)
        key = (namespace, name, dims)
        with self.lock:
            if arrival.low < 0:
                self.negative.add(key)
            if visible_at is not None and visible_at > demo_clock.timestamp():
                heapq.heappush(self.pending, (visible_at, next(self._order), key, unit, minute, arrival))
                return
            self._fold(key, unit, minute, arrival)

    def _fold(self, key: tuple, unit: Any, minute: int, arrival: Arrival) -> None:
        units = self.series.setdefault(key, {})
        buckets = units.setdefault(unit, {})
        bucket = buckets.get(minute)
        if bucket is None:
            bucket = buckets[minute] = Bucket()
        bucket.add(arrival)
        # oldest-first by insertion: pop from the front
        cutoff = minute - DAY_RETENTION.get(key[0], RETENTION_MINUTES)
        while buckets:
            first = next(iter(buckets))
            if first >= cutoff:
                break
            del buckets[first]

    def settle(self, now: float) -> None:
        """Fold every held arrival whose time has come."""
        with self.lock:
            while self.pending and self.pending[0][0] <= now:
                _, _, key, unit, minute, arrival = heapq.heappop(self.pending)
                self._fold(key, unit, minute, arrival)

    def query(self, namespace: str, name: str, dims: frozenset, unit: Any,
              start: float, end: float, period: int, stat: str) -> list[tuple[float, float]]:
        """[(period start epoch, value)] ascending, only periods with data in [start, end)."""
        self.settle(demo_clock.timestamp())
        key = (namespace, name, dims)
        p = percentile_of(stat)
        with self.lock:
            if p is not None and key in self.negative:
                return []  # "not available for metrics when any of the metric values are negative"
            units = self.series.get(key, {})
            chosen = [units.get(unit, {})] if unit else list(units.values())
            rows = [(m, b) for buckets in chosen for m, b in buckets.items() if start <= m * 60 < end]
            origin = int(start // 60) * 60
            grouped: dict[int, list[Bucket]] = {}
            for minute, bucket in rows:
                t = minute * 60
                grouped.setdefault(origin + ((t - origin) // period) * period, []).append(bucket)
            out = []
            for slot in sorted(grouped):
                buckets = grouped[slot]
                if p is not None:
                    if not all(b.exact for b in buckets):
                        continue  # a statistic set percentiles cannot use
                    value = nearest_rank([(v, c) for b in buckets for v, c in zip(b.values, b.counts)], p)
                    if value is None:
                        continue
                else:
                    total = sum(b.total for b in buckets)
                    count = sum(b.count for b in buckets)
                    value = {"Sum": total, "SampleCount": count,
                             "Minimum": min(b.low for b in buckets), "Maximum": max(b.high for b in buckets),
                             "Average": total / count if count else 0.0}[stat]
                out.append((float(slot), value))
        return out


def index_of(backend: Any) -> MetricIndex:
    index = getattr(backend, "_opsdeck_metric_index", None)
    if index is None:
        index = backend._opsdeck_metric_index = MetricIndex()
    return index


def _index_put(backend: Any, namespace: str, metric_data: list[dict], delay: float = 0.0,
               arrivals: list[Arrival | None] | None = None) -> None:
    """Fold PutMetricData members into the index (their `arrivals`, when already made);
    visible `delay` seconds from now."""
    index = index_of(backend)
    visible_at = demo_clock.timestamp() + delay if delay > 0 else None
    if arrivals is None:
        arrivals = [_arrival(member) for member in metric_data]
    for member, arrival in zip(metric_data, arrivals):
        if arrival is not None:
            index.add(namespace, member["MetricName"], _dims(member.get("Dimensions")), member.get("Unit"),
                      member.get("Timestamp"), arrival, visible_at)


def _trim_raw(backend: Any) -> None:
    """Keep moto's raw list to the retention window of the newest datapoint."""
    data = backend.metric_data
    if not data:
        return
    newest = max(_epoch(md.timestamp) for md in data)
    backend.metric_data = [md for md in data if _epoch(md.timestamp)
                           >= newest - DAY_RETENTION.get(md.namespace, RETENTION_MINUTES) * 60]


def rounded_start(start_time: datetime) -> datetime:
    """GetMetricData's StartTime as CloudWatch takes it: "Start time less than 15 days ago -
    Round down to the nearest whole minute ... between 15 and 63 days ago - Round down to the
    nearest 5-minute clock interval ... greater than 63 days ago - Round down to the nearest
    1-hour clock interval" (API_GetMetricData.html, StartTime)."""
    aware = start_time if start_time.tzinfo else start_time.replace(tzinfo=timezone.utc)
    age = demo_clock.now() - aware
    step = 60 if age < timedelta(days=15) else 300 if age <= timedelta(days=63) else 3600
    rounded = datetime.fromtimestamp(int(aware.timestamp() // step) * step, timezone.utc)
    return rounded if start_time.tzinfo else rounded.replace(tzinfo=None)


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
    start_time = rounded_start(start_time)  # after checking what was asked
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
        if stat_query and (stat_query.get("Stat") in STATS or percentile_of(stat_query.get("Stat")) is not None):
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
        from moto.cloudwatch.models import MetricAggregatedDatum

        now = demo_clock.now().replace(tzinfo=None)  # moto's own default is the wall clock
        for member in metric_data:
            if member.get("Timestamp") is None:
                member["Timestamp"] = now
        before = len(self.metric_data)
        plain = [m for m in metric_data if not m.get("Values")]
        for number, member in enumerate(metric_data, 1):
            if member.get("Values"):
                self._validate_parameters_put_metric_data(member, number)
        original_put(self, namespace, plain)  # validates, feeds ListMetrics/GetMetricStatistics
        arrivals = [_arrival(member) for member in metric_data]
        for member, arrival in zip(metric_data, arrivals):  # one statistic set per Values datum,
            if arrival is not None and member.get("Values"):  # not one object per value
                self.metric_data.append(MetricAggregatedDatum(
                    namespace=namespace, name=member["MetricName"], min_stat=arrival.low, max_stat=arrival.high,
                    sample_count=arrival.count, sum_stat=arrival.total,
                    dimensions=member.get("Dimensions") or [], timestamp=member["Timestamp"],
                    unit=member.get("Unit")))
        _index_put(self, namespace, metric_data, realism.current().metric_delay, arrivals)
        index = index_of(self)
        index.appended += len(self.metric_data) - before
        if index.appended >= _TRIM_EVERY:
            index.appended = 0
            _trim_raw(self)

    def get_filtered_metrics(self, metric_name, namespace, dimensions):  # type: ignore[no-untyped-def]
        """Each metric once: moto's de-duplication lists a metric per datapoint when it has
        no dimensions or more than one."""
        seen: set[tuple] = set()
        listed = []
        for md in self.get_all_metrics():
            key = (md.namespace, md.name, frozenset((d.name, d.value) for d in md.dimensions))
            if key not in seen and md.filter(namespace=namespace, name=metric_name, dimensions=dimensions):
                seen.add(key)
                listed.append(md)
        return listed

    def indexed_get_metric_data(self, queries, start_time, end_time, scan_by="TimestampAscending"):  # type: ignore[no-untyped-def]
        return get_metric_data(self, queries, start_time, end_time, scan_by)

    CloudWatchBackend.put_metric_data = put_metric_data
    CloudWatchBackend.get_filtered_metrics = get_filtered_metrics
    CloudWatchBackend.get_metric_data = indexed_get_metric_data
    _installed = True
