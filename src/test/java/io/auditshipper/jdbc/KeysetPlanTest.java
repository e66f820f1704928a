package io.auditshipper.jdbc;

import io.auditshipper.config.SourceConfig;
import io.auditshipper.model.Offset;
import io.auditshipper.source.AuditLogTable;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** H2 reads a page of the keyset from the offset on, through the (timestamp, key) index, not from the table's start. */
class KeysetPlanTest {

    @Test
    void h2ScansTheIndexFromTheOffsetNotFromTheStart() throws Exception {
        Database database = new Database("jdbc:h2:mem:keyset-plan;DB_CLOSE_DELAY=-1", null, null);
        String sql = "EXPLAIN SELECT \"key\" FROM \"audit_logs\" WHERE "
                + database.offsetCondition("timestamp", "key", ">") + " AND \"timestamp\" <= ?"
                + " ORDER BY \"timestamp\", \"key\" LIMIT 5000";
        try (Connection connection = database.connect()) {
            new AuditLogTable(database, "audit_logs", SourceConfig.Columns.DEFAULT).create(connection);
            try (PreparedStatement explain = connection.prepareStatement(sql)) {
                int next = database.bindOffset(explain, 1, new Offset(Instant.parse("2026-11-29T00:00:00Z"), "a"));
                explain.setObject(next, java.time.OffsetDateTime.parse("2026-11-30T00:00:00Z"));
                try (ResultSet plan = explain.executeQuery()) {
                    plan.next();
                    String indexCondition = plan.getString(1).replaceAll("(?s).*/\\* (PUBLIC\\.audit_logs_timestamp_key:[^*]*)\\*/.*", "$1");

                    assertThat(indexCondition).startsWith("PUBLIC.audit_logs_timestamp_key")
                            .contains("timestamp >= ").contains("timestamp <= ");
                    assertThat(plan.getString(1)).contains("/* index sorted */");
                }
            }
        }
    }
}
