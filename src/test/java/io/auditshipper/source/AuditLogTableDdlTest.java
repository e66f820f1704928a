package io.auditshipper.source;

import io.auditshipper.config.SourceConfig;
import io.auditshipper.jdbc.Database;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The DDL shipped in ddl/ for operators is the DDL the shipper itself runs. */
class AuditLogTableDdlTest {

    @ParameterizedTest
    @CsvSource({"ddl/audit_logs.postgres.sql, jdbc:postgresql://localhost/kestra", "ddl/audit_logs.h2.sql, jdbc:h2:mem:x"})
    void shippedDdlMatchesTheCode(String file, String url) throws Exception {
        String shipped = Files.readString(Path.of(file)).lines().filter(l -> !l.startsWith("--"))
                .reduce((a, b) -> a + "\n" + b).orElse("");
        String generated = new AuditLogTable(new Database(url, null, null), "audit_logs", SourceConfig.Columns.DEFAULT).ddl() + ";";
        assertThat(shipped).isEqualTo(generated);
    }
}
