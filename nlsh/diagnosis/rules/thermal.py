"""Heat: sensors near their limits, and CPUs throttled during the sample."""

from __future__ import annotations

from nlsh.diagnosis import suggestions
from nlsh.diagnosis.finding import Finding, Severity, graded, worst
from nlsh.diagnosis.rules.culprits import by_cpu, cpu_culprits
from nlsh.diagnosis.snapshot import Snapshot, Temperature

HIGH_MARGIN_C = 5.0  # within 5 °C of "high": the firmware is about to slow the CPU down
CRITICAL_MARGIN_C = 5.0  # within 5 °C of "critical": close to an emergency shutdown
FALLBACK_HOT_C = 90.0  # a sensor without limits: most CPUs throttle from about 95 °C
PLAUSIBLE_LIMIT_C = 20.0  # some drivers report limits of 0 °C: ignore such limits
HEAT_SOURCE_CPU_PERCENT = 50.0  # of one core: a process that busy is heating the CPU


def overheating(snapshot: Snapshot) -> Finding | None:
    """A sensor near its limit, or CPUs throttled during the sample."""
    hottest = max(((grade, t) for t in snapshot.temperatures
                   if (grade := _temperature_grade(t)) is not None),
                  key=lambda g: (g[0][0].rank, g[0][1]), default=None)
    throttled = snapshot.throttle_events or 0
    # Any throttling during the sample means the CPU runs slower than it can right now.
    throttle_grade = (Severity.WARNING, float(throttled)) if throttled > 0 else None
    grade = worst(hottest[0] if hottest else None, throttle_grade)
    if grade is None:
        return None
    evidence: dict[str, object] = {"throttle_events": throttled}
    parts = []
    if hottest is not None:
        sensor = hottest[1]
        evidence.update({"sensor": f"{sensor.sensor} {sensor.label}",
                         "temperature_c": sensor.current_c})
        if sensor.high_c is not None:
            evidence["high_c"] = sensor.high_c
        if sensor.critical_c is not None:
            evidence["critical_c"] = sensor.critical_c
        parts.append(f"{sensor.label} is at {sensor.current_c:.0f} °C")
    if throttled:
        parts.append(f"the CPU was throttled {throttled} times during the sample")
    summary = "Running hot: " + " and ".join(parts)
    return Finding(resource="thermal", severity=grade[0], summary=summary, evidence=evidence,
                   processes=cpu_culprits(by_cpu(snapshot, HEAT_SOURCE_CPU_PERCENT)),
                   **suggestions.offer(suggestions.SHOW_TEMPERATURE), score=grade[1])


def _temperature_grade(sensor: Temperature) -> tuple[Severity, float] | None:
    high = _plausible(sensor.high_c)
    critical = _plausible(sensor.critical_c)
    if high is None and critical is None:
        return graded(sensor.current_c, FALLBACK_HOT_C, float("inf"))
    near_high = (graded(sensor.current_c, high - HIGH_MARGIN_C, float("inf"))
                 if high is not None else None)
    near_critical = (graded(sensor.current_c, critical - CRITICAL_MARGIN_C,
                            critical - CRITICAL_MARGIN_C)
                     if critical is not None else None)
    return worst(near_high, near_critical)


def _plausible(limit: float | None) -> float | None:
    return limit if limit is not None and limit > PLAUSIBLE_LIMIT_C else None
