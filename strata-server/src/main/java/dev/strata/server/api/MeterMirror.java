package dev.strata.server.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the meters of a registry that is not Prometheus's (Strata's per-tenant meters and the
 * tenant pools' Hikari meters, when the application configured, say, a {@code SimpleMeterRegistry})
 * in the Prometheus registry: each source meter gets a function meter reading it, and a meter that
 * left the source (a decommissioned tenant, a closed pool) leaves the target on the next
 * {@link #sync()}. Timers keep count and total time, not their buckets. Thread-safe.
 */
final class MeterMirror {
    private final MeterRegistry source;
    private final MeterRegistry target;
    private final Map<Meter.Id, Meter> mirrored = new HashMap<>();

    MeterMirror(MeterRegistry source, MeterRegistry target) {
        this.source = source;
        this.target = target;
    }

    /** Brings the target's copies in line with the source's meters now. */
    synchronized void sync() {
        Set<Meter.Id> present = new HashSet<>();
        for (Meter meter : source.getMeters()) {
            present.add(meter.getId());
            if (!mirrored.containsKey(meter.getId())) {
                Meter copy = copy(meter);
                if (copy != null) {
                    mirrored.put(meter.getId(), copy);
                }
            }
        }
        mirrored.entrySet().removeIf(e -> {
            if (present.contains(e.getKey())) {
                return false;
            }
            target.remove(e.getValue());
            return true;
        });
    }

    private Meter copy(Meter meter) {
        Meter.Id id = meter.getId();
        try {
            if (meter instanceof Timer t) {
                return FunctionTimer.builder(id.getName(), t, Timer::count, x -> x.totalTime(TimeUnit.SECONDS), TimeUnit.SECONDS)
                        .tags(id.getTags()).description(id.getDescription()).register(target);
            }
            if (meter instanceof FunctionTimer t) {
                return FunctionTimer.builder(id.getName(), t, x -> (long) x.count(), x -> x.totalTime(TimeUnit.SECONDS),
                        TimeUnit.SECONDS).tags(id.getTags()).description(id.getDescription()).register(target);
            }
            if (meter instanceof Counter c) {
                return FunctionCounter.builder(id.getName(), c, Counter::count).tags(id.getTags())
                        .description(id.getDescription()).baseUnit(id.getBaseUnit()).register(target);
            }
            if (meter instanceof FunctionCounter c) {
                return FunctionCounter.builder(id.getName(), c, FunctionCounter::count).tags(id.getTags())
                        .description(id.getDescription()).baseUnit(id.getBaseUnit()).register(target);
            }
            if (meter instanceof TimeGauge g) {
                return Gauge.builder(id.getName() + ".seconds", g, x -> x.value(TimeUnit.SECONDS)).tags(id.getTags())
                        .description(id.getDescription()).register(target);
            }
            if (meter instanceof Gauge g) {
                return Gauge.builder(id.getName(), g, Gauge::value).tags(id.getTags()).description(id.getDescription())
                        .baseUnit(id.getBaseUnit()).register(target);
            }
            if (meter instanceof DistributionSummary s) {
                return FunctionCounter.builder(id.getName() + ".count", s, x -> (double) x.count()).tags(id.getTags())
                        .description(id.getDescription()).register(target);
            }
            if (meter instanceof LongTaskTimer t) {
                return Gauge.builder(id.getName() + ".active", t, x -> x.activeTasks()).tags(id.getTags())
                        .description(id.getDescription()).register(target);
            }
            return null;
        } catch (RuntimeException clash) {
            // a meter of another type under the same name and tags in the target: leave it out
            return null;
        }
    }
}
