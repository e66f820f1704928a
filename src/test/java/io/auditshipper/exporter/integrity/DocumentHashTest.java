package io.auditshipper.exporter.integrity;

import io.auditshipper.exporter.encoding.RecordSchema;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The record hash a search document carries: written last, so the record is the document without it. */
class DocumentHashTest {

    @Test
    void theHashIsTheRecordsAsShippedAndAnyChangeToTheRecordOrTheHashIsSeen() {
        String record = "{\"id\":\"a\",\"detail\":{\"n\":1.50},\"userId\":\"bob\"}";
        String document = DocumentHash.withHash(record, DocumentHash.field(RecordSchema.KESTRA));

        assertThat(document).isEqualTo("{\"id\":\"a\",\"detail\":{\"n\":1.50},\"userId\":\"bob\",\"shipper.sha256\":\""
                + Sha256.of(record.getBytes(StandardCharsets.UTF_8)) + "\"}");
        assertThat(DocumentHash.verify(document)).isEqualTo(DocumentHash.Verdict.OK);
        assertThat(DocumentHash.verify(document.replace("bob", "eve"))).isEqualTo(DocumentHash.Verdict.EDITED);
        assertThat(DocumentHash.verify(document.replace("1.50", "1.5"))).isEqualTo(DocumentHash.Verdict.EDITED);
        assertThat(DocumentHash.verify(record)).isEqualTo(DocumentHash.Verdict.NO_HASH);
        assertThat(DocumentHash.verify(DocumentHash.withHash("{}", "event.hash"))).isEqualTo(DocumentHash.Verdict.OK);
        assertThat(DocumentHash.verify(DocumentHash.withHash("{\"x\":[]}", DocumentHash.field(RecordSchema.OCSF))))
                .isEqualTo(DocumentHash.Verdict.OK);
    }
}
