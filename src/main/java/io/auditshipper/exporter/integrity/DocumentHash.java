package io.auditshipper.exporter.integrity;

import io.auditshipper.exporter.encoding.RecordSchema;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SHA-256 a search document carries of its record, for Elasticsearch and OpenSearch with {@code tamperEvident}.
 * The hash is of the record's JSON exactly as shipped (UTF-8), and is written as the document's last field, so the
 * record is the document without it: no parsing or canonical form at shipping, and a check needs only the
 * {@code _source} as the engine stores it ({@code GET <index>/_source/<id>}; not synthetic source, which rebuilds it).
 *
 * <p>The field, by schema, where that schema's consumers expect it: ECS's own {@code event.hash} ("hash of raw field to
 * be able to demonstrate log integrity", a keyword, which ECS's strict templates accept); OCSF's {@code unmapped}
 * ({@code unmapped.shipper.sha256}); and {@code shipper.sha256} for Kestra's AuditLog, which has no {@code shipper}
 * field. Dotted names: the engines file them under the objects they name.
 */
public final class DocumentHash {

    /** What {@link #verify} says of a document. */
    public enum Verdict {
        /** Its record has the SHA-256 the document carries. */
        OK,
        /** It carries a SHA-256 that is not its record's. */
        EDITED,
        /** It carries no hash where the shipper writes it (last): shipped without, or rewritten. */
        NO_HASH
    }

    private static final Pattern HASH = Pattern.compile(
            "(,?)\"(shipper\\.sha256|unmapped\\.shipper\\.sha256|event\\.hash)\":\"([0-9a-f]{64})\"}\\s*\\z");

    private DocumentHash() {
    }

    public static String field(RecordSchema schema) {
        return switch (schema) {
            case KESTRA -> "shipper.sha256";
            case OCSF -> "unmapped.shipper.sha256";
            case ECS -> "event.hash";
        };
    }

    /** The document: the record's JSON object with {@code "<field>":"<SHA-256 of the record>"} as its last member. */
    public static String withHash(String record, String field) {
        String json = record.strip();
        if (!json.startsWith("{") || !json.endsWith("}")) {
            throw new IllegalArgumentException("a search document is a JSON object");
        }
        String head = json.substring(0, json.length() - 1);
        boolean empty = head.substring(1).isBlank();
        return head + (empty ? "" : ",") + "\"" + field + "\":\"" + Sha256.of(json.getBytes(StandardCharsets.UTF_8)) + "\"}";
    }

    public static Verdict verify(String source) {
        Matcher m = HASH.matcher(source);
        if (!m.find()) {
            return Verdict.NO_HASH;
        }
        String record = source.substring(0, m.start()) + "}";
        return Sha256.of(record.getBytes(StandardCharsets.UTF_8)).equals(m.group(3)) ? Verdict.OK : Verdict.EDITED;
    }
}
