"""Prometheus ``/metrics``: files by status, stage latency histograms, queue depths.

Every figure is read at scrape time from where it lives: counts and stage timestamps from
``ingested_files`` in Postgres, queue depths from Redis. Stages run in many worker processes,
possibly on many hosts, so in-process metrics would need prometheus_client's multiprocess mode
(a shared directory per host, one scrape target per host, files to clean up on restart); the
timestamps each stage commits with its result give the same histograms from any API process,
survive restarts, and include work done before the API started."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from redis import RedisError

from worker import ops
from worker.settings import get_settings
from worker.storage.db import get_sessionmaker

router = APIRouter()


class PipelineCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        settings = get_settings()
        with get_sessionmaker()() as session:
            counts = ops.file_counts(session)
            latencies = ops.stage_latency_histograms(session)
        files = GaugeMetricFamily("wirewatch_files", "Ingested files by status", labels=["status"])
        for status, n in counts.items():
            files.add_metric([status], n)
        yield files

        seconds = HistogramMetricFamily(
            "wirewatch_stage_seconds",
            "Seconds from entering a stage's queue to finishing it (total: registration to done), per file",
            labels=["stage"],
        )
        for stage, (cumulative, count, total) in latencies.items():
            buckets = [(str(b), n) for b, n in zip(ops.LATENCY_BUCKETS, cumulative, strict=True)]
            seconds.add_metric([stage], [*buckets, ("+Inf", count)], sum_value=total)
        yield seconds

        up = GaugeMetricFamily("wirewatch_broker_up", "1 if Redis answered this scrape")
        try:
            waiting, in_flight = ops.queue_depths(settings)
        except RedisError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        depth = GaugeMetricFamily("wirewatch_queue_depth", "Messages waiting in a stage queue", labels=["stage"])
        running = GaugeMetricFamily(
            "wirewatch_queue_unacked", "Messages delivered to a worker, not yet acknowledged", labels=["stage"]
        )
        for stage, n in waiting.items():
            depth.add_metric([stage], n)
            running.add_metric([stage], in_flight[stage])
        yield depth
        yield running


registry = CollectorRegistry(auto_describe=False)
registry.register(PipelineCollector())


@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
