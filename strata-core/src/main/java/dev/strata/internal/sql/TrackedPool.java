package dev.strata.internal.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A HikariCP pool whose connection attempts are reported to an {@link Availability}, and whose
 * callers, while its database is down, try one connection of their own and fail at once rather
 * than wait out the pool's time-out; a caller already waiting is woken by the next failed attempt.
 * Thread-safe.
 */
public final class TrackedPool extends HikariDataSource {
    private final Availability availability;
    private final TrackedDataSource source;

    /** Starts the pool; {@code config}'s data source is replaced by a {@link TrackedDataSource} around it. */
    public TrackedPool(HikariConfig config, Availability availability, String database) {
        super(track(config, availability, database));
        this.availability = availability;
        this.source = (TrackedDataSource) config.getDataSource();
    }

    private static HikariConfig track(HikariConfig config, Availability availability, String database) {
        config.setDataSource(new TrackedDataSource(config.getDataSource(), availability, database));
        return config;
    }

    /** How logs and errors name the database. */
    public String database() {
        return source.database();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return availability.connect(source.database(), source::getConnection, super::getConnection);
    }
}
