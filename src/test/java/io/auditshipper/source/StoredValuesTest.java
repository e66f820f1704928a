package io.auditshipper.source;

import io.auditshipper.source.StoredValues.Compactor;
import io.auditshipper.source.StoredValues.ValidJson;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The one pass over a value the database guarantees is JSON, checked against what a JSON parser would say. */
class StoredValuesTest {

    private static final Instant AT = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void aPostgresJsonbTextIsCompactedWithItsStringsUntouched() {
        ValidJson scanned = ValidJson.scan("{\"id\": \"a b\", \"detail\": {\"q\": \"say \\\"hi\\\", then: { }\", \"n\": [1, 2]},"
                + " \"t\": \"\\\\\"}");

        assertThat(scanned.compact()).isEqualTo("{\"id\":\"a b\",\"detail\":{\"q\":\"say \\\"hi\\\", then: { }\",\"n\":[1,2]},"
                + "\"t\":\"\\\\\"}");
        assertThat(scanned.object()).isTrue();
        assertThat(scanned.hasId()).isTrue();
    }

    @Test
    void onlyATopLevelKeyNamedIdCounts() {
        assertThat(ValidJson.scan("{\"detail\": {\"id\": \"x\"}}").hasId()).as("nested").isFalse();
        assertThat(ValidJson.scan("{\"name\": \"id\"}").hasId()).as("a value").isFalse();
        assertThat(ValidJson.scan("{\"ids\": 1, \"xid\": 2}").hasId()).as("longer keys").isFalse();
        assertThat(ValidJson.scan("{\"a\": [{\"id\": 1}], \"b\": \"id\"}").hasId()).as("in an array").isFalse();
        assertThat(ValidJson.scan("{\"a\": {\"b\": 1}, \"id\": \"x\"}").hasId()).as("after a nested object").isTrue();
        assertThat(ValidJson.scan("{\"a\": \"\\\"\", \"id\": \"x\"}").hasId()).as("after an escaped quote").isTrue();
    }

    @Test
    void aCompactValueIsReturnedAsTheSameString() {
        String compact = "{\"id\":\"x\",\"n\":[1,{\"a\":true}]}";
        assertThat(ValidJson.scan(compact).compact()).isSameAs(compact);
    }

    @Test
    void aJsonbValueThatIsNotAnObjectIsShippedInTheMalformedEnvelope() {
        assertThat(StoredValues.record("k1", AT, utf8("[1, 2]"), new Compactor()).json())
                .isEqualTo("{\"id\":\"k1\",\"date\":\"2026-11-20T10:00:00Z\",\"malformedValue\":\"[1, 2]\"}");
        assertThat(StoredValues.record("k2", AT, utf8("\"text\""), new Compactor()).json()).contains("\"malformedValue\":\"\\\"text\\\"\"");
    }

    @Test
    void bothPathsGiveTheSameRecordForAValidObject() {
        String stored = "{\"id\": \"4sUsg\", \"type\": \"READ\", \"detail\": {\"id\": \"f\", \"namespace\": \"a b \u00e9\u20ac\uD83D\uDE00\"}}";
        assertThat(StoredValues.record("k", AT, utf8(stored), new Compactor())).isEqualTo(StoredValues.record("k", AT, stored));
    }

    @Test
    void oneCompactorScansValuesOfAnyLengthOneAfterTheOther() {
        Compactor compactor = new Compactor();
        String big = "{\"id\": \"" + "\u00e9x".repeat(3000) + "\", \"n\": [1, 2]}";
        String small = "{\"id\": \"\u20ac\"}";

        assertThat(compactor.scan(utf8(small)).compact()).isEqualTo("{\"id\":\"\u20ac\"}");
        assertThat(compactor.scan(utf8(big)).compact()).isEqualTo("{\"id\":\"" + "\u00e9x".repeat(3000) + "\",\"n\":[1,2]}");
        assertThat(compactor.scan(utf8(small)).compact()).isEqualTo("{\"id\":\"\u20ac\"}");
    }

    @Test
    void aValueCutShortInAStringIsCopiedToItsEnd() {
        assertThat(new Compactor().scan(utf8("{\"a\": \"x y\\")).compact()).isEqualTo("{\"a\":\"x y\\");
        assertThat(new Compactor().scan(utf8("{\"a\": \"x y")).compact()).isEqualTo("{\"a\":\"x y");
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
