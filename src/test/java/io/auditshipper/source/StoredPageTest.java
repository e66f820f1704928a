package io.auditshipper.source;

import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static io.auditshipper.source.StoredValuesTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/** A page made records when read: the same records as made at once, whatever the column and the value. */
class StoredPageTest {

    private static final Instant AT = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void eachRowBecomesTheRecordItsValueMakes() {
        String pretty = "{\"id\": \"a\", \"detail\": {\"namespace\": \"\u00e9 \u20ac\"}}";
        StoredPage.Builder builder = new StoredPage.Builder(4);
        builder.addJson("k1", AT, utf8(pretty));
        builder.addJson("k2", AT, null);
        builder.addText("k3", AT.plusSeconds(1), pretty);
        builder.addJson("k4", AT.plusSeconds(2), utf8("[1, 2]"));
        StoredPage page = builder.build();

        assertThat(page).hasSize(4);
        assertThat(page.get(0)).isEqualTo(StoredValues.record("k1", AT, pretty));
        assertThat(page.get(0).json()).isEqualTo("{\"id\":\"a\",\"detail\":{\"namespace\":\"\u00e9 \u20ac\"}}");
        assertThat(page.get(1).json()).isEqualTo("{\"id\":\"k2\",\"date\":\"2026-11-20T10:00:00Z\",\"malformedValue\":null}");
        assertThat(page.get(2)).isEqualTo(new AuditLogRecord("k3", AT.plusSeconds(1), page.get(0).json()));
        assertThat(page.get(3).json()).contains("\"malformedValue\":\"[1, 2]\"");
        assertThat(page.get(0)).as("read again").isSameAs(page.get(0));
    }

    @Test
    void theLastOffsetIsKnownBeforeAndAfterTheLastRowIsRead() {
        StoredPage.Builder builder = new StoredPage.Builder(2);
        builder.addJson("k1", AT, utf8("{\"id\": \"a\"}"));
        builder.addJson("k2", AT.plusSeconds(1), utf8("{\"id\": \"b\"}"));
        StoredPage page = builder.build();

        assertThat(page.lastOffset()).isEqualTo(new Offset(AT.plusSeconds(1), "k2"));
        assertThat(page.get(1).offset()).isEqualTo(page.lastOffset());
    }
}
